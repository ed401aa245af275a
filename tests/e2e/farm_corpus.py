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

# ci-tron's current official job template (`.ci-tron-b2c-job-v1`, dut.yml):
# the kernel line, and the extra-args file it serves, one chunk a line, a
# container command of two lines; /user/job.env comes in an extra initramfs.
CITRON_2025 = ("b2c.cache_device=auto b2c.extra_args_url=http://10.42.0.1:8080/job/b2c-extra-args "
               "b2c.ntp_peer=ci-gateway b2c.swap=8G,swappiness=60 SALAD.machine_id=42 console=ttyS0,115200")
CITRON_2025_EXTRA_ARGS = f"""#!jinja2
b2c.pipefail
b2c.poweroff_delay=15
b2c.minio="gateway,http://10.42.0.1:9000,{S3_ACCESS},{S3_SECRET}"
b2c.volume="job42-results,mirror=gateway/job42,pull_on=pipeline_start,push_on=changes,overwrite,exclude=*.shader_cache,exclude=install/*,remove,expiration=pipeline_end,preserve"
b2c.run_service="--privileged --tls-verify=false --pid=host 10.42.0.1:8002/ci/telegraf:latest" b2c.hostname=dut-42
b2c.run="-ti --tls-verify=false 10.42.0.1:8002/ci/machine-registration:latest check"
b2c.proxy="https=http://10.42.0.1:8080"
b2c.run="-v job42-results:/builds/job -w /builds/job --tls-verify=false --env https_proxy=http://10.42.0.1:8080 --env-file /user/job.env --entrypoint sh 10.42.0.1:8002/ci/image-under-test:latest -euc 'echo one
echo two'"
"""

# ci-tron's cache reset job: no container at all.
CACHE_RESET = "console=ttyS0,115200 SALAD.machine_id=42 b2c.cache_device=reset b2c.poweroff_delay=15 loglevel=6"

# ci-tron's interactive session.
INTERACTIVE = (
    f'b2c.minio="gateway,http://10.42.0.1:9000,{S3_ACCESS},{S3_SECRET}" '
    'b2c.volume="job,mirror=gateway/job42,pull_on=pipeline_start,push_on=pipeline_end,overwrite" '
    'b2c.container="-ti --tls-verify=false -v job:/job_share/ --entrypoint=bash '
    'docker://10.42.0.1:8002/infra/machine_registration:latest" console=ttyS0,115200 SALAD.machine_id=42 '
    'b2c.ntp_peer="ci-gateway" b2c.cache_device=none b2c.poweroff_delay=15 loglevel=6')

# valve-infra's 2021 qualification loop: its result from the shutdown command.
QUALIFICATION_2021 = (
    'b2c.container="-ti docker://10.42.0.1:8002/infra/machine_registration:latest check" b2c.ntp_peer="10.42.0.1" '
    'b2c.pipefail b2c.cache_device=auto '
    'b2c.shutdown_cmd="echo JOB_RESULT=$B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE; poweroff -f" '
    'console=ttyS0,115200 earlyprintk=vga,keep SALAD.machine_id=42 loglevel=6')

# Mesa's 2024 job: the kernel line and its extra-args file, the container
# command escaped with \" inside the quotes.
MESA_2024 = ("SALAD.machine_id=42 console=ttyS0,115200 b2c.cache_device=auto b2c.ntp_peer=10.42.0.1 "
             "b2c.extra_args_url=http://10.42.0.1:8080/job/b2c-extra-args")
MESA_2024_EXTRA_ARGS = (
    f'b2c.pipefail b2c.poweroff_delay=15 b2c.minio="gateway,http://10.42.0.1:9000,{S3_ACCESS},{S3_SECRET}" '
    'b2c.volume="job42-results,mirror=gateway/job42,pull_on=pipeline_start,push_on=changes,overwrite,exclude=*.qpa,'
    'remove,expiration=pipeline_end,preserve" '
    'b2c.run_service="--privileged --tls-verify=false --pid=host docker://10.42.0.1:8002/ci/telegraf:latest" '
    'b2c.hostname=dut-42 b2c.run="-ti --tls-verify=false docker://10.42.0.1:8002/ci/machine-registration:latest check" '
    'b2c.run="-v job42-results:/builds/mesa -w /builds/mesa --tls-verify=false docker://10.42.0.1:8002/mesa/test:1 '
    'bash -euc \\"tar xf install.tar; ./install/common/init-stage2.sh\\""')

# A 2025 blog post's desktop QEMU line (384 MiB of RAM, no cache).
VALKEY_DESKTOP = 'console=ttyS0 b2c.run="-ti docker.io/valkey/valkey:8.1.4-alpine3.22"'

CORPUS = {"registration": REGISTRATION, "ci_job": CI_JOB, "gateway": GATEWAY, "s3_job": S3_JOB,
          "arm64_board": ARM64_BOARD, "citron_2025": CITRON_2025, "cache_reset": CACHE_RESET,
          "interactive": INTERACTIVE, "qualification_2021": QUALIFICATION_2021, "mesa_2024": MESA_2024,
          "valkey_desktop": VALKEY_DESKTOP}
# The extra-args files of the lines that have one, as their farm serves them.
EXTRA_ARGS = {"citron_2025": CITRON_2025_EXTRA_ARGS, "mesa_2024": MESA_2024_EXTRA_ARGS}

# Parameters that are not ours: the kernel's, the farm's. Nothing to say about them.
NOT_OURS = ("loglevel", "console", "earlyprintk", "SALAD.machine_id", "extra", "net.ifnames", "quiet", "initrd")


def for_qemu(line: str, registry_port: int, ntp_port: int, s3_port: int, files_port: int = 9,
             proxy_port: int = 9) -> str:
    """The line (or extra-args file) with the farm's servers replaced by the
    test's, as the guest reaches the host (10.0.2.2). The test's registry is
    plain HTTP: the containers of the CI job, which trust the farm's
    registries as they are (https, or insecure in the farm's own
    configuration), get --tls-verify=false. The gateway's port 8080 serves
    both the job's files and the proxy at ci-tron: here the file server
    and a proxy of their own."""
    for image in ("docker://10.42.0.1:8001/infra/machine-registration:latest",
                  "docker://10.42.0.1:8002/tests/mesa:12345",
                  "docker://10.42.0.1:8002/infra/machine_registration:latest check"):
        line = line.replace(f" {image}", f" --tls-verify=false {image}").replace(
            f'"{image}', f'"--tls-verify=false {image}')
    line = line.replace("http://10.42.0.1:8080/job/", f"http://10.0.2.2:{files_port}/job/")
    line = line.replace("http://10.42.0.1:8080", f"http://10.0.2.2:{proxy_port}")
    for port in ("8001", "8002"):
        line = line.replace(f"10.42.0.1:{port}", f"10.0.2.2:{registry_port}")
    line = line.replace("registry.local", f"10.0.2.2:{registry_port}")
    line = line.replace("http://10.42.0.1:9000", f"http://10.0.2.2:{s3_port}")
    for peer in ('"10.42.0.1"', "10.42.0.1", '"ci-gateway"', "ci-gateway"):
        line = line.replace(f"b2c.ntp_peer={peer}", f"b2c.ntp_peer=10.0.2.2:{ntp_port}")
    assert "10.42.0.1" not in line, line
    return line
