"""The events the deployed triggers hand to the functions, built the way AWS builds them.

- API Gateway HTTP API, payload 2.0, behind a JWT authorizer: the verified claims come as
  `requestContext.authorizer.jwt.claims`, every value a string (`cognito:groups` as "[Operator]",
  `exp` as "1767225600"); the Authorization header is passed on as the client sent it.
- SNS to Lambda: one record per invocation, `Sns.Message` the published string; End User Messaging
  Social publishes its events with the Meta webhook entry JSON-encoded inside.
- SQS event source mapping: the batch as received, with receipt handles and receive counts.
"""
import base64
import json
import os
import time
import urllib.parse
import uuid

SOURCE_IP = "203.0.113.10"   # TEST-NET-3: never a real client
USER_AGENT = "Mozilla/5.0 (wecare rehearsal)"

# Who calls the API in each role. Viewer and Admin present Cognito ID tokens (audience in `aud`), the
# Operator an access token (`client_id`), so both forms the authorizer accepts reach the functions.
USERS = {
    "Viewer": ("0b1d7c0e-1a2b-4c3d-8e4f-000000000001", "id"),
    "Operator": ("0b1d7c0e-1a2b-4c3d-8e4f-000000000002", "access"),
    "Admin": ("0b1d7c0e-1a2b-4c3d-8e4f-000000000003", "id"),
}


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(role, *, issuer, client_id):
    """The claims the JWT authorizer passes on for a user of `role`: all strings, as API Gateway sends them."""
    sub, token_use = USERS[role]
    now = int(time.time())
    c = {"sub": sub, "cognito:groups": f"[{role}]", "iss": issuer, "token_use": token_use, "auth_time": str(now - 60),
         "iat": str(now - 60), "exp": str(now + 3540), "jti": str(uuid.uuid4()), "origin_jti": str(uuid.uuid4())}
    if token_use == "id":
        c.update({"aud": client_id, "cognito:username": role.lower(), "email": f"{role.lower()}@wecare.digital"})
    else:
        c.update({"client_id": client_id, "scope": "aws.cognito.signin.user.admin", "username": role.lower()})
    return c


def _bearer(token_claims):
    """An Authorization header carrying a token with these claims. API Gateway verified it; the
    function receives the header as sent (its signature here is random bytes)."""
    payload = {k: (v.strip("[]").split() if k == "cognito:groups" else int(v) if k in ("exp", "iat", "auth_time") else v)
               for k, v in token_claims.items()}
    header = {"kid": "rehearsal", "alg": "RS256"}
    return "Bearer " + ".".join([_b64url(json.dumps(header).encode()), _b64url(json.dumps(payload).encode()), _b64url(os.urandom(256))])


def http(route, *, api_id, stage, region, account, path_parameters=None, query="", body=None, token_claims=None):
    """An API Gateway v2 event for `route` (template.Route); `token_claims` when it has a JWT authorizer."""
    path = route.path
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""))
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    domain = f"{api_id}.execute-api.{region}.amazonaws.com"
    text = None if body is None else json.dumps(body)
    headers = {"accept": "application/json", "host": domain, "user-agent": USER_AGENT,
               "x-amzn-trace-id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}",
               "x-forwarded-for": SOURCE_IP, "x-forwarded-port": "443", "x-forwarded-proto": "https"}
    if text is not None:
        headers.update({"content-type": "application/json", "content-length": str(len(text.encode()))})
    request_context = {
        "accountId": account, "apiId": api_id, "domainName": domain, "domainPrefix": api_id,
        "http": {"method": route.method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": SOURCE_IP, "userAgent": USER_AGENT},
        "requestId": _b64url(os.urandom(12)), "routeKey": route.key, "stage": stage,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()), "timeEpoch": int(time.time() * 1000),
    }
    if token_claims is not None:
        headers["authorization"] = _bearer(token_claims)
        request_context["authorizer"] = {"jwt": {"claims": token_claims, "scopes": None}}
    event = {"version": "2.0", "routeKey": route.key, "rawPath": raw_path, "rawQueryString": query,
             "headers": headers, "requestContext": request_context, "isBase64Encoded": False}
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        event["queryStringParameters"] = {k: ",".join(v for kk, v in pairs if kk == k) for k, _ in pairs}
    if path_parameters:
        event["pathParameters"] = {k: str(v) for k, v in path_parameters.items()}
    if text is not None:
        event["body"] = text
    return event


def sns(topic_arn, message, region):
    """An SNS delivery to a Lambda subscription (always one record)."""
    message_id = str(uuid.uuid4())
    return {"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
        "Sns": {
            "Type": "Notification", "MessageId": message_id, "TopicArn": topic_arn, "Subject": None, "Message": message,
            "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()), "SignatureVersion": "1",
            "Signature": base64.b64encode(os.urandom(256)).decode(),
            "SigningCertUrl": f"https://sns.{region}.amazonaws.com/SimpleNotificationService-{uuid.uuid4().hex}.pem",
            "UnsubscribeUrl": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:{uuid.uuid4()}",
            "MessageAttributes": {},
        },
    }]}


def scheduled(rule_arn, region, account):
    """An EventBridge schedule's event, as it invokes its target."""
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events", "account": account,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "region": region, "resources": [rule_arn], "detail": {}}


def sqs(messages, queue_arn, region):
    """An SQS event source mapping batch from ReceiveMessage results (with AttributeNames=All)."""
    def attribute(a):
        return {"stringValue": a.get("StringValue"), "binaryValue": a.get("BinaryValue"), "stringListValues": [],
                "binaryListValues": [], "dataType": a["DataType"]}
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m.get("Attributes", {}), "md5OfBody": m["MD5OfBody"],
        "messageAttributes": {k: attribute(a) for k, a in m.get("MessageAttributes", {}).items()},
        "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": region,
    } for m in messages]}


# End User Messaging Social events (the SNS `Message`).

def eum(entry, *, region, account, phone_number_id, message_id=None):
    """The event EUM Social publishes for a Meta webhook `entry`, from the number `phone_number_id`."""
    suffix = phone_number_id.removeprefix("phone-number-id-")
    event = {
        "context": {
            "MetaWabaIds": [{"wabaId": entry["id"], "arn": f"arn:aws:social-messaging:{region}:{account}:waba/{uuid.uuid4().hex}"}],
            "MetaPhoneNumberIds": [{"metaPhoneNumberId": "106540352242922",
                                    "arn": f"arn:aws:social-messaging:{region}:{account}:phone-number-id/{suffix}"}],
        },
        "whatsAppWebhookEntry": json.dumps(entry, separators=(",", ":")),
        "aws_account_id": account,
        "message_timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime()) + f"{time.time_ns() % 1_000_000_000:09d}Z",
    }
    if message_id:
        event["messageId"] = message_id
    return json.dumps(event, separators=(",", ":"))


def _entry(value):
    value = {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"}, **value}
    return {"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}


def inbound_text(sender, name, wamid, text):
    return _entry({"contacts": [{"profile": {"name": name}, "wa_id": sender}],
                   "messages": [{"from": sender, "id": wamid, "timestamp": str(int(time.time())), "type": "text", "text": {"body": text}}]})


def inbound_image(sender, name, wamid, media_id, mime_type):
    return _entry({"contacts": [{"profile": {"name": name}, "wa_id": sender}],
                   "messages": [{"from": sender, "id": wamid, "timestamp": str(int(time.time())), "type": "image",
                                 "image": {"mime_type": mime_type, "sha256": base64.b64encode(os.urandom(32)).decode(), "id": media_id}}]})


def status(wamid, state, recipient):
    return _entry({"statuses": [{"id": wamid, "status": state, "timestamp": str(int(time.time())), "recipient_id": recipient,
                                 "pricing": {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "utility"}}]})


def wamid():
    """A WhatsApp message id of the form Meta uses."""
    return "wamid." + base64.b64encode(os.urandom(30)).decode()
