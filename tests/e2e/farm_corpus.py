"""Command lines of the shapes public farm job templates send to
boot2container (host names changed). Each must be accepted as it is: no
error, no warning but for options that are not ours. KEY stands for a valid
base 64 fscrypt key. For booting them in QEMU, `for_qemu()` points the
farm's servers at the test's own (registry, chronyd, s3rver), nothing else.
"""
import base64

KEY = base64.b64encode(bytes(range(64))).decode()
S3_ACCESS, S3_SECRET = "S3RVER", "S3RVER"  # s3rver knows only these

REGISTRATION = (
    'b2c.container="-ti --tls-verify=false docker://10.42.0.1:8002/infra/machine_registration:latest register" '
    'b2c.ntp_peer="10.42.0.1" b2c.cache_device=none loglevel=6')

CI_JOB = (
    'b2c.container="docker://10.42.0.1:8001/infra/machine-registration:latest check" b2c.ntp_peer="10.42.0.1" '
    'b2c.pipefail b2c.cache_device=auto b2c.swap=8G,swappiness=60 '
    'b2c.container="-v /container/tmp:/storage docker://10.42.0.1:8002/tests/mesa:12345" '
    'console=ttyS0,115200 earlyprintk=vga,keep SALAD.machine_id=b4:2e:99:f0:76:c5 extra=""')

GATEWAY = (
    'b2c.volume="tmp" b2c.volume="perm" '
    'b2c.container="--dns=none -v tmp:/mnt/tmp -v perm:/mnt/permanent --tls-verify=false --entrypoint=/bin/init '
    'docker://registry.local/gateway" b2c.ntp_peer=auto b2c.pipefail b2c.cache_device=auto net.ifnames=0 quiet')

S3_JOB = (
    'console=ttyS0,115200 earlyprintk=vga,keep loglevel=6 b2c.ntp_peer=10.42.0.1 b2c.pipefail '
    'b2c.cache_device=auto b2c.poweroff_delay=15 '
    f'b2c.minio="gateway,http://10.42.0.1:9000,{S3_ACCESS},{S3_SECRET}" '
    'b2c.volume="job42-job,mirror=gateway/job42,pull_on=pipeline_start,push_on=changes,overwrite,preserve,remove,'
    'expiration=pipeline_end" '
    f'b2c.volume=traces,mirror=gateway/traces,pull_on=pipeline_start,overwrite,preserve,remove,fscrypt_key={KEY} '
    'b2c.container="-ti --tls-verify=false docker://10.42.0.1:8002/infra/machine_registration:latest check" '
    'b2c.container="-v job42-job:/job -w /job -v traces:/traces --tls-verify=false -w /job '
    'docker://10.42.0.1:8002/user/test-env /entrypoint"')

ARM64_BOARD = 'initrd=b2c b2c.run="-ti registry.local/env:aarch64" b2c.ntp_peer=auto b2c.cache_device=/dev/mmcblk0p2'

CORPUS = {"registration": REGISTRATION, "ci_job": CI_JOB, "gateway": GATEWAY, "s3_job": S3_JOB,
          "arm64_board": ARM64_BOARD}

# Parameters that are not ours: the kernel's, the farm's. Nothing to say about them.
NOT_OURS = ("loglevel", "console", "earlyprintk", "SALAD.machine_id", "extra", "net.ifnames", "quiet", "initrd")


def for_qemu(line: str, registry_port: int, ntp_port: int, s3_port: int) -> str:
    """The line with the farm's servers replaced by the test's, as the
    guest reaches the host (10.0.2.2). The test's registry is plain HTTP:
    the containers of the CI job, which trust the farm's registries as they
    are (https, or insecure in the farm's own configuration), get
    --tls-verify=false."""
    for image in ("docker://10.42.0.1:8001/infra/machine-registration:latest",
                  "docker://10.42.0.1:8002/tests/mesa:12345"):
        line = line.replace(f" {image}", f" --tls-verify=false {image}").replace(
            f'"{image}', f'"--tls-verify=false {image}')
    for port in ("8001", "8002"):
        line = line.replace(f"10.42.0.1:{port}", f"10.0.2.2:{registry_port}")
    line = line.replace("registry.local", f"10.0.2.2:{registry_port}")
    line = line.replace("http://10.42.0.1:9000", f"http://10.0.2.2:{s3_port}")
    line = line.replace('b2c.ntp_peer="10.42.0.1"', f'b2c.ntp_peer="10.0.2.2:{ntp_port}"')
    line = line.replace("b2c.ntp_peer=10.42.0.1", f"b2c.ntp_peer=10.0.2.2:{ntp_port}")
    assert "10.42.0.1" not in line, line
    return line
