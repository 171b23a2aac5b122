"""Reading what the functions wrote, straight from the emulator's DynamoDB, SQS and S3.

The rehearsal does not trust the functions' answers alone: a record the API says it stored must be
in the table the function was given. Items are searched by value, not by attribute name, so the
checks hold whatever the runtime calls its attributes (only the tables' keys, read from
DescribeTable, are relied on).
"""


def strings(value):
    """Every string (and number, as text) inside a DynamoDB item or attribute value."""
    if isinstance(value, dict):
        found = []
        for k, v in value.items():
            if k in ("S", "N") and isinstance(v, str):
                found.append(v)
            else:
                found += strings(v)
        return found
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


class ReadBack:
    def __init__(self, client):
        self.dynamodb = client("dynamodb")
        self.s3 = client("s3")
        self.sqs = client("sqs")

    def item(self, table, key_value):
        """The item whose partition key is `key_value` (tables keyed by one string id), or None."""
        schema = self.dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
        hash_key = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
        if any(k["KeyType"] == "RANGE" for k in schema):
            return next(iter(self.items_with(table, key_value)), None)
        return self.dynamodb.get_item(TableName=table, Key={hash_key: {"S": key_value}}, ConsistentRead=True).get("Item")

    def items_with(self, table, text):
        """Items holding `text` as one of their values."""
        return [i for i in self.scan(table) if text in strings(i)]

    def scan(self, table):
        items, start = [], {}
        while True:
            page = self.dynamodb.scan(TableName=table, ConsistentRead=True, **start)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}

    def keys(self, bucket, prefix):
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]

    def object_exists(self, bucket, key):
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
            return True
        except self.s3.exceptions.ClientError:
            return False

    def queue_depth(self, url):
        """Messages still on a queue, visible or in flight."""
        a = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        return sum(int(v) for v in a["Attributes"].values())
