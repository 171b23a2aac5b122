"""The exact environment a function process gets: its template's variables, resolved in the stack,
plus what Lambda itself sets for a `provided.al2023` function, plus the endpoint overrides that
point its AWS calls at the emulators. Nothing of the rehearsal's own environment is passed on, so a
function that needs anything else fails here as it would in AWS.
"""
import os
import time

from .moto import CREDENTIALS

# What Lambda sets in every sandbox of a custom runtime, whatever the function (the AWS Lambda
# developer guide, "Defined runtime environment variables").
SANDBOX = {
    "AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    "LAMBDA_RUNTIME_DIR": "/var/runtime",
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    "LD_LIBRARY_PATH": "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
}


def environment(function, *, region, runtime_api, moto_url, provider_url, task_root):
    """The process environment of `function` (a template.Function) in this rehearsal."""
    if function.environment.keys() & {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_RUNTIME_API", "_HANDLER"}:
        raise ValueError(f"{function.name}: the template sets a variable Lambda reserves")
    return {
        **SANDBOX,
        **function.environment,
        "_HANDLER": function.handler,
        "AWS_LAMBDA_FUNCTION_NAME": function.physical_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory),
        "AWS_LAMBDA_LOG_GROUP_NAME": function.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": time.strftime("%Y/%m/%d/[$LATEST]", time.gmtime()) + os.urandom(16).hex(),
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "LAMBDA_TASK_ROOT": task_root,
        # The execution role's credentials, as Lambda provides them (the emulators accept anything).
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_SESSION_TOKEN": "testing",
        # moto for every service; the recording provider for those moto does not have, and for Lambda's
        # Invoke of one function by another (the rehearsal delivers it to that function's process).
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ENDPOINT_URL_SOCIALMESSAGING": provider_url,
        "AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2": provider_url,
        "AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME": provider_url,
        "AWS_ENDPOINT_URL_LAMBDA": provider_url,
    }
