"""Pods from Kubernetes YAML (b2c.kube, b2c.kube_service) in QEMU: a pod of
two containers sharing an emptyDir, one failing, at its place in the
pipeline, writing to a b2c.volume through a persistentVolumeClaim; a pod
service reached from a b2c.run; a YAML that cannot be fetched and one
podman refuses."""
import json

import pytest
from file_server import FileServer
from test_pipeline import lines


@pytest.fixture
def files():
    servers = []

    def serve(mapping):
        servers.append(FileServer(mapping))
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()


def pod_yaml(name, image, containers, volumes=(), host_network=False):
    """A Pod of `containers` ([(name, shell command)]), each mounting every
    volume of `volumes` ([(name, source, mount path)], source "emptyDir" or
    a persistentVolumeClaim's claim name)."""
    out = [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        f"  name: {name}",
        "spec:",
        "  restartPolicy: Never",
    ]
    if host_network:
        out.append("  hostNetwork: true")
    out.append("  containers:")
    for cname, command in containers:
        out += [f"  - name: {cname}",
                f"    image: {image}",
                f"    command: {json.dumps(['sh', '-c', command])}"]
        if volumes:
            out.append("    volumeMounts:")
            for vname, _, path in volumes:
                out += [f"    - name: {vname}", f"      mountPath: {path}"]
    if volumes:
        out.append("  volumes:")
        for vname, source, _ in volumes:
            out.append(f"  - name: {vname}")
            out += (["    emptyDir: {}"] if source == "emptyDir"
                    else ["    persistentVolumeClaim:", f"      claimName: {source}"])
    return "\n".join(out) + "\n"


def test_pods_run_in_the_pipeline_and_serve_it(boot, image, registry, busybox_image, files):
    pod_image = f"{registry.guest}/{busybox_image}"
    server = files({
        "/job.yaml": pod_yaml("job", pod_image, [
            ("writer", "echo shared-$((6*7)) > /shared/x; echo kept-$((8*8)) > /results/r; echo writer-done"),
            ("reader", "sleep 2; echo reader-saw-$(cat /shared/x); exit 3"),
        ], volumes=[("shared", "emptyDir", "/shared"), ("results", "job-results", "/results")]),
        "/web.yaml": pod_yaml("web", pod_image, [
            ("httpd", "mkdir -p /www && echo served-by-pod-$((5*5)) > /www/x && exec httpd -f -p 8089 -h /www"),
        ], host_network=True),
    })
    r = boot("b2c.volume=job-results",
             f"b2c.kube_service=\"--tls-verify=false {server.url('/web.yaml')}\"",
             f"b2c.run=\"{image} sh -c 'echo first-run-$((1+1))'\"",
             f"b2c.kube=\"--tls-verify=false {server.url('/job.yaml')}\"",
             f"b2c.run=\"-v job-results:/data {image} sh -c 'for i in $(seq 30); do "
             "wget -q -O- http://127.0.0.1:8089/x && break; sleep 1; done; "
             "echo after-pod prev=$B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE volume=$(cat /data/r)'\"",
             timeout=300)
    assert r.code == 3, r.why("the pod's failing container (exit 3) should fail the pipeline")
    text = r.text
    first, writer = text.find("first-run-2"), text.find("writer-done")
    assert 0 <= first < writer, r.why("the pod should run after the b2c.run before it, in order")
    assert "reader-saw-shared-42" in text, r.why("the pod's containers should share their emptyDir")
    assert text.find("served-by-pod-25") > writer, r.why("the b2c.run after the pod should reach the pod service")
    assert lines(text, "after-pod prev=3 volume=kept-64"), \
        r.why("the run after the pod should see its exit code, and what it left in the b2c.volume it claimed")
    assert "ended with exit code 3" in text, r.why("the pod step's exit code should be logged")
    assert text.count("podman kube down -") >= 2, r.why("both pods should be torn down")
    assert "cannot tear the pod down" not in text, r.why("the tear-downs should succeed")
    assert sorted(server.requests) == ["/job.yaml", "/web.yaml"], r.why("each YAML fetched once")


def test_pods_that_cannot_be_fetched_or_played_fail_their_step(boot, image, files):
    server = files({"/refused.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: refused\nspec: [1, 2]\n"})
    missing, refused = server.url("/missing.yaml"), server.url("/refused.yaml")
    r = boot(f"b2c.kube={missing}", f"b2c.kube={refused}",
             f"b2c.run=\"{image} sh -c 'echo still-ran-$((2+3)) prev=$B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE'\"")
    assert r.code == 125, r.why("a pod that could not be played counts as exit code 125")
    assert f"cannot fetch the pod's YAML: cannot download {missing}: the server answered HTTP 404" in r.text, \
        r.why("the unfetchable YAML's error should name its URL and the reason")
    assert f"podman refuses its YAML ({refused})" in r.text, r.why("the refused YAML's error should name its URL")
    assert f"podman kube play refused the pod of '{refused}' (exit code 125): Error: unable to read YAML" \
        in r.text, r.why("podman's own message should be shown")
    assert "retrying in" not in r.text, r.why("a YAML podman refuses is not retried")
    assert lines(r.text, "still-ran-5 prev=125"), r.why("the pipeline should go on without b2c.pipefail")
