"""The S3 servers the tests run b2c-mirror against, behind one face: its
URL and keys, an independent client to check its buckets (boto3,
s3check.py), its request log, and a way to make it die and come back.
S3rverServer: a fresh s3rver per test. RGWServer: the session's Ceph cluster
(rgw.py), with a new user in a new tenant for each test."""
from s3check import S3Check
from s3rver import S3rver


class Server:
    """The server a test runs against, as the tests see it: its URL and
    keys, an independent client (boto3) to check its buckets, its request
    log, and a way to make it die and come back."""

    def __init__(self, name, url, access_key, secret_key):
        self.name = name
        self.url = url
        self.access_key = access_key
        self.secret_key = secret_key
        self.check = S3Check(url, access_key, secret_key)
        self.port = int(url.rsplit(":", 1)[1])

    def __getattr__(self, name):  # keys(), stored(), put(), etags(), ...
        if name == "check":
            raise AttributeError(name)
        return getattr(self.check, name)


class S3rverServer(Server):
    def __init__(self, directory, options=()):
        self.server = S3rver(directory, options=options)
        super().__init__("s3rver", self.server.url, "S3RVER", "S3RVER")

    def requests_logged(self):
        return self.server.requests_logged()

    def kill(self):
        self.server.kill()

    def restart(self):
        # s3rver writes an object's metadata non-atomically: a SIGKILL can
        # leave one it cannot list.
        self.server.drop_torn_objects()
        self.server.start()

    def stop(self):
        self.server.kill()


class RGWServer(Server):
    def __init__(self, cluster):
        self.cluster = cluster
        # The cluster is shared by the session's tests: each gets a user of
        # its own in a tenant of its own, with buckets of its own.
        super().__init__("rgw", cluster.url, *cluster.add_user())
        self.log_start = cluster.gateway_log.stat().st_size

    def requests_logged(self):
        with open(self.cluster.gateway_log, "rb") as log:
            log.seek(self.log_start)
            return log.read().decode(errors="replace")

    def kill(self):
        self.cluster.kill_gateway()

    def restart(self):
        self.cluster.start_gateway()

    def stop(self):
        if "client.rgw" not in self.cluster.processes:  # a test that killed it failed before restart()
            self.cluster.start_gateway()
