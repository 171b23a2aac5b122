"""Deploying with the project's own agent, `wecare deploy`, as CI does: the branch decides the
environment, the template parameters come from WECARE_PARAM_*, credentials from the environment.
The rehearsal then runs what that deployment created, so the deploy agent is rehearsed too.
"""
import os
import re
import subprocess
import time
from pathlib import Path

from .existing import CODE_BUCKET
from .moto import CREDENTIALS, REGION

ROOT = Path(__file__).resolve().parents[2]
USER_POOL_CLIENT_ID = "rehearsal-app-client"


class DeployFailed(Exception):
    pass


def deploy(wecare, branch, endpoint):
    """`wecare deploy --branch BRANCH --endpoint-url ENDPOINT --yes --allow security --create-adopted`; returns (environment, stack, seconds taken).

    A first deployment creates routes and invoke permissions, which the gate counts as security changes. Production adopts
    the live system's tables, queues and log group (a CloudFormation import, which moto does not have); the emulator starts
    without them, so the stack creates them (`--create-adopted`, refused if any of them existed)."""
    env = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    env.update({
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"], "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_REGION": REGION,
        "WECARE_PARAM_CodeBucket": CODE_BUCKET, "WECARE_PARAM_UserPoolClientId": USER_POOL_CLIENT_ID,
    })
    started = time.monotonic()
    run = subprocess.run([os.path.abspath(wecare), "deploy", "--branch", branch, "--endpoint-url", endpoint, "--yes", "--allow", "security",
                          "--create-adopted"], cwd=ROOT, env=env,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    output = (run.stdout + run.stderr).strip()
    if run.returncode != 0:
        raise DeployFailed(f"wecare deploy --branch {branch} exited with {run.returncode}:\n{output}")
    done = re.search(r"^deployed (\S+) \(stack (\S+)\)", output, re.M)
    if not done:
        raise DeployFailed(f"wecare deploy --branch {branch} succeeded but named no stack:\n{output}")
    return done.group(1), done.group(2), time.monotonic() - started
