"""The provider APIs moto does not emulate, End User Messaging Social (WhatsApp),
pinpoint-sms-voice-v2 (SMS) and Bedrock Agent Runtime (the AI suggestions' knowledge base and
agent), played on 127.0.0.1 and recorded; and Lambda's Invoke of one function by another, recorded
here so that the rehearsal delivers the event to that function's process as Lambda would.

Every call is recorded, so the rehearsal can count what reached the providers: that count is what
tells whether LIVE sends each message exactly once and DRY_RUN sends nothing. Answers follow the
AWS API models (socialmessaging 2024-01-01, pinpoint-sms-voice-v2 2022-03-31): the same paths,
targets, members, errors and signing names. A media download does what AWS does: the bytes land in
S3 (here, moto's) at `destinationS3File.key + mediaId`, the key being a prefix.
"""
import base64
import binascii
import json
import math
import re
import threading
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PHONE_NUMBER_ID = re.compile(r".*(^phone-number-id-.*$)|(^arn:.*:phone-number-id/[0-9a-zA-Z]+$).*")
E164 = re.compile(r"\+?[1-9][0-9]{1,18}")
SMS_ORIGINATION = re.compile(r"[A-Za-z0-9_:/+-]{1,256}")


@dataclass
class Call:
    operation: str        # SendWhatsAppMessage, PostWhatsAppMessageMedia, GetWhatsAppMessageMedia, SendTextMessage
    signing_service: str  # from the SigV4 credential scope
    request: dict
    status: int
    answer: dict


class ProviderError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code = status, code


class RecordingProvider:
    """`put_object(bucket, key, body, content_type)` writes into the S3 the functions use."""

    def __init__(self, put_object):
        self.put_object = put_object
        self.calls = []
        self.media = {}   # media id → (bytes, mime type): what WhatsApp holds for inbound media
        self.invocations = []   # (function name, payload) of Lambda Invoke calls, for the rehearsal to deliver
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold_media(self, media_id, data, mime_type):
        """Media an inbound event refers to, as WhatsApp would hold it for download."""
        self.media[media_id] = (data, mime_type)

    def take_invocations(self):
        """Asynchronous invocations of one function by another, in order, forgetting them: (function name, payload)."""
        with self.lock:
            taken, self.invocations = self.invocations, []
        return taken

    def take(self):
        """The calls so far, forgetting them (one environment's calls are counted on their own)."""
        with self.lock:
            calls, self.calls = self.calls, []
        return calls

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # The operations: request members in, answer out (or ProviderError, as AWS would answer).

    def send_whatsapp(self, r):
        if not PHONE_NUMBER_ID.fullmatch(str(r.get("originationPhoneNumberId", ""))):
            raise ProviderError(400, "ValidationException", "originationPhoneNumberId is not a phone number id")
        if not re.fullmatch(r"v\d+(\.\d+)?", str(r.get("metaApiVersion", ""))):
            raise ProviderError(400, "ValidationException", "metaApiVersion must look like v20.0")
        try:
            message = json.loads(base64.b64decode(r["message"], validate=True))
        except (KeyError, ValueError, TypeError):
            raise ProviderError(400, "ValidationException", "message must be the base64 of a WhatsApp message object") from None
        if message.get("messaging_product") != "whatsapp":
            raise ProviderError(400, "InvalidParametersException", "messaging_product must be whatsapp")
        return {"messageId": str(uuid.uuid4())}

    def post_media(self, r):
        if not PHONE_NUMBER_ID.fullmatch(str(r.get("originationPhoneNumberId", ""))):
            raise ProviderError(400, "ValidationException", "originationPhoneNumberId is not a phone number id")
        if ("sourceS3File" in r) == ("sourceS3PresignedUrl" in r):
            raise ProviderError(400, "InvalidParametersException", "give exactly one of sourceS3File and sourceS3PresignedUrl")
        return {"mediaId": str(uuid.uuid4().int)[:15]}

    def get_media(self, r):
        if not PHONE_NUMBER_ID.fullmatch(str(r.get("originationPhoneNumberId", ""))):
            raise ProviderError(400, "ValidationException", "originationPhoneNumberId is not a phone number id")
        held = self.media.get(r.get("mediaId"))
        if held is None:
            raise ProviderError(404, "ResourceNotFoundException", f"media {r.get('mediaId')} does not exist")
        data, mime_type = held
        answer = {"mimeType": mime_type, "fileSize": math.ceil(len(data) / 1024)}   # AWS counts KB
        if r.get("metadataOnly"):
            return answer
        if "destinationS3File" in r:
            target = r["destinationS3File"]
            self.put_object(target["bucketName"], target["key"] + r["mediaId"], data, mime_type)
        elif "destinationS3PresignedUrl" in r:
            url = r["destinationS3PresignedUrl"]["url"]
            if urllib.parse.urlsplit(url).hostname != "127.0.0.1":
                raise ProviderError(400, "ValidationException", "the rehearsal uploads only to loopback URLs")
            urllib.request.urlopen(urllib.request.Request(url, data=data, method="PUT",
                                                          headers=r["destinationS3PresignedUrl"].get("headers", {})), timeout=10).read()
        else:
            raise ProviderError(400, "InvalidParametersException", "give destinationS3File or destinationS3PresignedUrl, or metadataOnly")
        return answer

    def send_text(self, r):
        if not E164.fullmatch(str(r.get("DestinationPhoneNumber", ""))):
            raise ProviderError(400, "ValidationException", "DestinationPhoneNumber must be E.164")
        if not SMS_ORIGINATION.fullmatch(str(r.get("OriginationIdentity", ""))):
            raise ProviderError(400, "ValidationException", "OriginationIdentity is invalid")
        if not 1 <= len(str(r.get("MessageBody", ""))) <= 1600:
            raise ProviderError(400, "ValidationException", "MessageBody must have 1 to 1600 characters")
        return {"MessageId": str(uuid.uuid4())}


    # Lambda: Invoke with InvocationType Event (the only kind a function here makes of another).

    def invoke_function(self, r, function, invocation_type):
        if invocation_type != "Event":
            raise ProviderError(400, "InvalidParameterValueException", f"the rehearsal plays asynchronous invocations only, not {invocation_type}")
        with self.lock:
            self.invocations.append((urllib.parse.unquote(function), r))
        return {}

    # Bedrock Agent Runtime (bedrock-agent-runtime 2023-07-26, signed for `bedrock`).

    KNOWLEDGE = [("After you write to WECARE.DIGITAL on WhatsApp, the business can reply with free-form messages for 24 hours.", "whatsapp.md"),
                 ("WECARE.DIGITAL messages a contact on a channel only after the contact opted in to that channel.", "consent.md")]

    def retrieve(self, r, knowledge_base):
        if not re.fullmatch(r"[0-9a-zA-Z]{1,10}", knowledge_base):
            raise ProviderError(400, "ValidationException", "knowledgeBaseId does not match [0-9a-zA-Z]{1,10}")
        text = (r.get("retrievalQuery") or {}).get("text")
        if not isinstance(text, str) or not text:
            raise ProviderError(400, "ValidationException", "retrievalQuery.text is required")
        n = ((r.get("retrievalConfiguration") or {}).get("vectorSearchConfiguration") or {}).get("numberOfResults", 5)
        return {"retrievalResults": [{"content": {"text": t}, "location": {"type": "CUSTOM", "customDocumentLocation": {"id": source}}, "score": 0.8 - i / 10}
                                     for i, (t, source) in enumerate(self.KNOWLEDGE[:n])]}

    def invoke_agent(self, r, agent, alias, session):
        if not re.fullmatch(r"[0-9a-zA-Z]{1,10}", agent) or not re.fullmatch(r"[0-9a-zA-Z]{1,10}", alias):
            raise ProviderError(400, "ValidationException", "agentId and agentAliasId must match [0-9a-zA-Z]{1,10}")
        if not re.fullmatch(r"[0-9a-zA-Z._:-]{2,100}", session):
            raise ProviderError(400, "ValidationException", "sessionId does not match [0-9a-zA-Z._:-]+")
        if not isinstance(r.get("inputText"), str) or not r["inputText"]:
            raise ProviderError(400, "ValidationException", "inputText is required")
        # The answer streams as application/vnd.amazon.eventstream: two chunks and a trace between them.
        text = ["Thank you for writing. ", "We can reply to you here for 24 hours after your last message."]
        return [("chunk", {"bytes": base64.b64encode(text[0].encode()).decode()}), ("trace", {"trace": {}}),
                ("chunk", {"bytes": base64.b64encode(text[1].encode()).decode()})]


def event_stream(events):
    """Messages in AWS's event stream framing: prelude (total length, headers length, CRC-32 of both),
    string headers, the JSON payload, the CRC-32 of everything before it."""
    out = b""
    for event_type, payload in events:
        headers = b""
        for name, value in ((":message-type", "event"), (":event-type", event_type), (":content-type", "application/json")):
            headers += bytes([len(name)]) + name.encode() + b"\x07" + len(value).to_bytes(2, "big") + value.encode()
        body = json.dumps(payload).encode()
        prelude = (12 + len(headers) + len(body) + 4).to_bytes(4, "big") + len(headers).to_bytes(4, "big")
        message = prelude + binascii.crc32(prelude).to_bytes(4, "big") + headers + body
        out += message + binascii.crc32(message).to_bytes(4, "big")
    return out


# Paths with labels: (pattern, operation, signing service, method of RecordingProvider, what it answers).
LABELLED = [
    (re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$"), "Invoke", "lambda", "invoke_function", "accepted"),
    (re.compile(r"^/knowledgebases/([^/]+)/retrieve$"), "Retrieve", "bedrock", "retrieve", "rest-json"),
    (re.compile(r"^/agents/([^/]+)/agentAliases/([^/]+)/sessions/([^/]+)/text$"), "InvokeAgent", "bedrock", "invoke_agent", "eventstream"),
]

# (path, X-Amz-Target) → (operation, signing service, method of RecordingProvider, wire protocol)
ROUTES = {
    ("/v1/whatsapp/send", None): ("SendWhatsAppMessage", "social-messaging", "send_whatsapp", "rest-json"),
    ("/v1/whatsapp/media", None): ("PostWhatsAppMessageMedia", "social-messaging", "post_media", "rest-json"),
    ("/v1/whatsapp/media/get", None): ("GetWhatsAppMessageMedia", "social-messaging", "get_media", "rest-json"),
    ("/", "PinpointSMSVoiceV2.SendTextMessage"): ("SendTextMessage", "sms-voice", "send_text", "json-1.0"),
}


def _handler(provider):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urllib.parse.urlsplit(self.path).path
            route = ROUTES.get((path, self.headers.get("X-Amz-Target")))
            labels = ()
            for pattern, *found in LABELLED:
                match = pattern.match(path)
                if match:
                    route, labels = tuple(found), match.groups()
                    if found[0] == "Invoke":
                        labels += (self.headers.get("X-Amz-Invocation-Type", "RequestResponse"),)
            if route is None:
                return self._answer(404, {"message": f"unknown operation {self.path} {self.headers.get('X-Amz-Target')}"},
                                    "UnknownOperationException", "rest-json")
            operation, service, method, protocol = route
            scope = re.search(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request", self.headers.get("Authorization", ""))
            signed_for = scope.group(1) if scope else ""
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                request = {"unparsed": body.decode(errors="replace")}
            try:
                if not scope:
                    raise ProviderError(403, "MissingAuthenticationTokenException", "the request is not signed")
                if signed_for != service:
                    raise ProviderError(403, "InvalidSignatureException", f"credential scope names {signed_for}, not {service}")
                status, answer, error = 200, getattr(provider, method)(request, *labels), None
            except ProviderError as e:
                status, answer, error = e.status, {"message": str(e)}, e.code
            # Recorded before answering: once the function has its answer, the call is counted.
            with provider.lock:
                recorded = answer if isinstance(answer, dict) else {"events": [e for e, _ in answer]}
                provider.calls.append(Call(operation, signed_for, request, status, dict(recorded, code=error) if error else recorded))
            if error is None and protocol == "accepted":
                return self._raw(202, b"", "application/json")
            if error is None and protocol == "eventstream":
                return self._raw(200, event_stream(answer), "application/vnd.amazon.eventstream",
                                 {"x-amzn-bedrock-agent-content-type": "application/json", "x-amz-bedrock-agent-session-id": labels[2]})
            self._answer(status, answer, error, "rest-json" if protocol in ("accepted", "eventstream") else protocol)

        def _raw(self, status, data, content_type, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _answer(self, status, obj, error_code, protocol):
            if error_code and protocol == "json-1.0":
                obj = {"__type": error_code, "Message": obj["message"]}
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0" if protocol == "json-1.0" else "application/json")
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            if error_code:
                self.send_header("x-amzn-ErrorType", error_code)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
