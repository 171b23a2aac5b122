"""What the specs reference as already existing in the account, created in an emulator.

The stacks reuse an execution role, an SNS topic, the media bucket and an SES sender, and the
functions' code comes from a bundle in a code bucket; none of it is created by a deployment, so an
emulator must be given it first. `scripts/local-aws` and the rehearsal both use this module:

    python3 -m rehearsal.existing account        # the specs' account id
    python3 -m rehearsal.existing create URL     # create everything in the emulator at URL
"""
import io
import json
import re
import sys
import zipfile
from pathlib import Path

from . import moto

ROOT = Path(__file__).resolve().parents[2]
CODE_BUCKET = "wecare-code"
CODE_KEY = "wecare-service/bootstrap.zip"


def _spec(name):
    return (ROOT / "specs" / name).read_text()


def account():
    """The platform's account (specs/platform.yaml)."""
    return re.search(r'account:\s*"?(\d{12})', _spec("platform.yaml")).group(1)


def resources():
    """Names of the existing role, topic, media bucket and email sender, read from the specs."""
    existing = _spec("existing.yaml")
    return {
        "role": re.search(r"arn:aws:iam::\d+:role/([\w+=,.@-]+)", existing).group(1),
        "topic": re.search(r"arn:aws:sns:[\w-]+:\d+:([\w-]+)", existing).group(1),
        "bucket": re.search(r"name:\s*([a-z0-9.-]+\.[a-z]+)", _spec("storage.yaml")).group(1),
        "sender": re.search(r"address:\s*(\S+@\S+)", existing).group(1),
    }


def create(url):
    """Creates the existing resources in the emulator at `url`; safe to run twice."""
    names = resources()
    iam = moto.client(url, "iam")
    try:
        iam.create_role(RoleName=names["role"], AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    moto.client(url, "sns").create_topic(Name=names["topic"])
    s3 = moto.client(url, "s3")
    for bucket in (names["bucket"], CODE_BUCKET):
        s3.create_bucket(Bucket=bucket)
    # The functions' code location must exist for CloudFormation; the emulator never runs it.
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("bootstrap", "#!/bin/sh\necho 'placeholder bundle: build wecare-service for Amazon Linux to run it'\n")
    s3.put_object(Bucket=CODE_BUCKET, Key=CODE_KEY, Body=bundle.getvalue())
    # SES sends only from a verified identity.
    moto.client(url, "ses").verify_email_identity(EmailAddress=names["sender"])
    return (f"role {names['role']}, topic {names['topic']}, buckets {names['bucket']} and {CODE_BUCKET} "
            f"(with {CODE_KEY}), verified sender {names['sender']}")


if __name__ == "__main__":
    if sys.argv[1:] == ["account"]:
        print(account())
    elif len(sys.argv) == 3 and sys.argv[1] == "create":
        print("created: " + create(sys.argv[2]))
    else:
        sys.exit("usage: python3 -m rehearsal.existing account | create URL")
