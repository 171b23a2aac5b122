"""What the rehearsal expects, as data: change a line here when the API changes on purpose.

ROUTES: for every route of the HTTP API (the template's RouteKey), the lowest role allowed (the
same as `Routes.table` in Sources/Server/Routes.swift, through `Permission.minimumRole`), the status
of a successful call, and the request sent. Each route is called once per role: below the minimum
the answer must be 403 with `{"error": {"code": "FORBIDDEN", …}}`, from the minimum up the status
given here.

Requests name fixtures in braces, filled in by the scenarios (scenarios.FIXTURES says what each is):
in a path parameter or the query, or as a body value that is exactly "{name}". Fixtures whose
name starts with "fresh_" are made anew for every allowed call (a deleted contact cannot be deleted
twice); forbidden calls get one made once.
"""
from dataclasses import dataclass, field

ROLES = ("Viewer", "Operator", "Admin")


@dataclass(frozen=True)
class RouteExpectation:
    minimum: str
    status: int
    path: dict = field(default_factory=dict)
    query: str = ""
    body: object = None
    sends: str = None   # the channel when a successful call sends one message


def _send(channel, **content):
    return RouteExpectation("Operator", 201, body={"contactId": "{recipient}", **content}, sends=channel)


ROUTES = {
    "GET /api/me": RouteExpectation("Viewer", 200),
    "GET /api/audit": RouteExpectation("Admin", 200, query="limit=50"),
    "GET /api/config": RouteExpectation("Admin", 200),
    # autoAcknowledge stays off: read receipts would be provider calls that are not messages.
    "PUT /api/config": RouteExpectation("Admin", 200, body={"autoAcknowledge": False}),
    "POST /api/contacts": RouteExpectation("Operator", 201, body="{fresh_contact_body}"),
    "GET /api/contacts": RouteExpectation("Viewer", 200, query="q=Rehearsal"),
    "GET /api/contacts/{id}": RouteExpectation("Viewer", 200, path={"id": "{recipient}"}),
    "PATCH /api/contacts/{id}": RouteExpectation("Operator", 200, path={"id": "{recipient}"}, body={"name": "Rehearsal Recipient"}),
    "DELETE /api/contacts/{id}": RouteExpectation("Operator", 204, path={"id": "{fresh_contact}"}),
    "GET /api/messages": RouteExpectation("Viewer", 200, query="contactId={recipient}&limit=20"),
    "POST /api/messages/whatsapp": _send("whatsapp", template={"name": "statement", "language": "en_US", "parameters": ["1000"]}),
    "POST /api/messages/sms": _send("sms", text="Your WECARE.DIGITAL rehearsal message"),
    "POST /api/messages/email": _send("email", subject="WECARE.DIGITAL rehearsal", text="A rehearsal message."),
    # Outbound media (Req 5.5): stored under the outgoing prefix, then PostWhatsAppMessageMedia and one send.
    "POST /api/media": _send("whatsapp", kind="image", contentType="image/png", caption="Rehearsal image",
                             data="iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="),
    # At most the confirmation threshold: queued at once.
    "POST /api/bulk/jobs": RouteExpectation("Operator", 201, body={"channel": "sms", "contactIds": ["{recipient}"],
                                                                     "text": "Rehearsal bulk message"}),
    "POST /api/bulk/jobs/{jobId}/confirm": RouteExpectation("Operator", 200, path={"jobId": "{fresh_pending_job}"}),
    "GET /api/bulk/jobs/{jobId}": RouteExpectation("Operator", 200, path={"jobId": "{queued_job}"}),
    "PUT /api/bulk/jobs/{jobId}": RouteExpectation("Operator", 200, path={"jobId": "{fresh_queued_job}"}, body={"action": "cancel"}),
    "DELETE /api/bulk/jobs/{jobId}": RouteExpectation("Operator", 204, path={"jobId": "{fresh_pending_job}"}),
    "GET /api/bulk/jobs/{jobId}/report": RouteExpectation("Operator", 200, path={"jobId": "{queued_job}"}),
    # AI suggestions (Req 15): each allowed approval or rejection takes a pending suggestion of its own, made
    # by the AI flow (scenarios.ai_suggestion); an approval sends through the pipeline (DRY_RUN: dry_run).
    "GET /api/ai/interactions": RouteExpectation("Viewer", 200, query="status=pending&limit=20"),
    "GET /api/ai/interactions/{id}": RouteExpectation("Viewer", 200, path={"id": "{ai_interaction}"}),
    "POST /api/ai/interactions/{id}/approve": RouteExpectation("Operator", 200, path={"id": "{fresh_ai_interaction}"}, body={}, sends="whatsapp"),
    "POST /api/ai/interactions/{id}/reject": RouteExpectation("Operator", 200, path={"id": "{fresh_ai_interaction}"}),
    "POST /api/ai/interactions/{id}/feedback": RouteExpectation("Operator", 200, path={"id": "{ai_interaction}"},
                                                                 body={"rating": 4, "comment": "rehearsal"}),
    "GET /api/bulk/jobs": RouteExpectation("Operator", 200, query="limit=20"),
    # The web UI (docs/ui.md): the page at / and at every page's path, served without the JWT authorizer,
    # so every role gets it; its settings; the event stream, which API Gateway cannot carry (503: the page polls).
    "GET /": RouteExpectation("Viewer", 200),
    "GET /{proxy+}": RouteExpectation("Viewer", 200, path={"proxy+": "contacts"}),
    "GET /api/ui/config": RouteExpectation("Viewer", 200),
    "GET /api/events": RouteExpectation("Viewer", 503),
    "GET /api/dlq": RouteExpectation("Operator", 200),
    "POST /api/dlq/replay": RouteExpectation("Operator", 200, body={"limit": 10}),
}

# What each SNS delivery must end in: "response", or "error" for an invocation that fails. An event
# the inbound handler cannot read is kept in the DLQ table (its handler needs DLQMessages) and the
# invocation succeeds, so Lambda does not retry what no retry can mend; only a failure to keep it
# fails the invocation, which Lambda then retries and dead-letters (docs/inbound.md).
INBOUND = {"text": "response", "media": "response", "status": "response", "malformed": "response", "reply": "response"}

# The `status` a send answers with, by the function's SEND_MODE.
SENT_STATUS = {"LIVE": "sent", "DRY_RUN": "dry_run"}

# The bulk job run end to end: more recipients than the confirmation threshold (so 202, then
# confirm → 200), spread over two chunks, sent on WhatsApp with a template.
BULK_CHANNEL = "whatsapp"
BULK_CONTENT = {"template": {"name": "statement", "language": "en_US", "parameters": ["1000"]}}
BULK_POLL_SECONDS = 90

# The provider operation that carries one sent message, per channel; `None`: counted in moto's SES.
PROVIDER_OPERATION = {"whatsapp": "SendWhatsAppMessage", "sms": "SendTextMessage", "email": None}

# Functions with no trigger of their own that no step reaches: they must initialise. (The AI functions
# are invoked by others; the rehearsal delivers those invocations, scenarios.deliver_invocations.)
INIT_ONLY = {}

# The question the AI flow is asked, from the recipient (whose 24-hour window is open), with AI automation on.
AI_QUESTION = "How long can you reply to me on WhatsApp after my last message?"

# The Lambda permission each kind of trigger needs on the function.
TRIGGER_PRINCIPALS = {"routes": "apigateway.amazonaws.com", "topics": "sns.amazonaws.com", "schedules": "events.amazonaws.com"}

# What each scheduled function's invocation must end in, by the event EventBridge sends it.
SCHEDULED = "response"
