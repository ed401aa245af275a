"""An S3 client independent of the code under test (Debian's python3-boto3,
path-style, SigV4, offline), to look into a bucket on any server: s3rver
(which takes any signature for its key S3RVER) or Ceph's RGW (which checks
them). The tests read buckets through it, never through b2c-mirror."""
import boto3
import botocore.config
import botocore.exceptions

ClientError = botocore.exceptions.ClientError


class S3Check:
    def __init__(self, url, access_key, secret_key):
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=url, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            region_name="us-east-1",
            config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                          connect_timeout=10, read_timeout=120))

    def buckets(self):
        return sorted(b["Name"] for b in self.client.list_buckets().get("Buckets", []))

    def make_bucket(self, bucket):
        if bucket not in self.buckets():
            self.client.create_bucket(Bucket=bucket)

    def keys(self, bucket):
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return sorted(keys)

    def count(self, bucket):
        """How many keys, or 0 while the bucket does not exist."""
        try:
            return len(self.keys(bucket))
        except ClientError:
            return 0

    def etags(self, bucket):
        """{key: ETag without quotes}, from the listing: the MD5 of an object
        sent in one PUT, MD5-of-MD5s-N for one sent in N parts."""
        etags = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            etags.update({o["Key"]: o["ETag"].strip('"') for o in page.get("Contents", [])})
        return etags

    def stored(self, bucket, key, **extra):
        return self.client.get_object(Bucket=bucket, Key=key, **extra)["Body"].read()

    def head(self, bucket, key, **extra):
        return self.client.head_object(Bucket=bucket, Key=key, **extra)

    def user_metadata(self, bucket, key):
        """The object's x-amz-meta-* headers, without the prefix."""
        return self.head(bucket, key)["Metadata"]

    def put(self, bucket, key, data: bytes):
        self.make_bucket(bucket)
        self.client.put_object(Bucket=bucket, Key=key, Body=data)
