// b2c.kube and b2c.kube_service: pods in the pipeline, with a fake podman.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fake_podman.h"
#include "log_capture.h"
#include "pipeline/container_runner.h"
#include "pipeline/pod_runner.h"
#include "pipeline/runtime.h"
#include "specs.h"

using namespace b2c::pipeline;
using b2c::cmdline::Config;
using b2c::cmdline::ContainerSpec;
using b2c::pipeline::test::container;

namespace {

ContainerSpec pod(const std::string& url, std::vector<std::string> options = {})
{
    return {std::move(options), "pod at " + url, url};
}

std::size_t count_starting(const std::vector<std::string>& lines, const std::string& prefix)
{
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(prefix); }));
}

const std::string job_yaml = "kind: Pod # job\n";
const std::string web_yaml = "kind: Pod # web\n";

}  // namespace

TEST_CASE("a pod runs at its place among the runs; its code is its first failed container's")
{
    fake::Podman podman;
    podman.yamls = {{"http://h/job.yaml", job_yaml}};
    podman.pod_exits = {{job_yaml, {0, 3, 5}}};
    Config config;
    config.pipeline.runs = {container("a"), pod("http://h/job.yaml", {"--tls-verify=false"}), container("c")};

    auto status = run_pipeline(config, podman.runtime());

    CHECK(status.status == 3);
    CHECK(status.failed_by == "pod at http://h/job.yaml");
    auto lines = podman.lines();
    auto at = [&](const std::string& prefix) {
        return std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(prefix); }) -
               lines.begin();
    };
    // a, then the pod (played from stdin, followed, waited for, torn down), then c.
    CHECK(at("podman start --attach") < at("podman kube play"));
    CHECK(at("podman kube play --network=host --start=false --tls-verify=false -") < at("podman pod inspect"));
    // The pod starts once its cgroup's device filter is gone (pod_cgroup.h).
    const auto pod_id = fake::Podman::hex_id(1000);
    CHECK(podman.lifted == std::vector<std::string>{"/sys/fs/cgroup/libpod_parent/" + pod_id});
    CHECK(at("podman pod inspect --format {{.CgroupPath}} " + pod_id) < at("podman pod start " + pod_id));
    CHECK(at("podman pod start") < at("podman logs --follow --names"));
    CHECK(at("podman logs --follow --names") < at("podman wait"));
    CHECK(at("podman wait") < at("podman kube down -"));
    CHECK(podman.downs == std::vector<std::string>{job_yaml});
    CHECK(podman.attached_images() == std::vector<std::string>{"a", "c"});
    // The pod's output goes to the console; its exit codes are read.
    for (const auto& cmd : podman.calls)
        if (cmd.argv.size() > 1 && cmd.argv[1] == "logs")
            CHECK_FALSE(cmd.capture_output);
    auto c = podman.create_of("c");
    CHECK(fake::contains(c, "B2C_PIPELINE_PREV_CONTAINER=pod at http://h/job.yaml"));
    CHECK(fake::contains(c, "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=3"));
}

TEST_CASE("a pod whose containers all exit 0 succeeds, and b2c.pipefail stops after one that fails")
{
    fake::Podman podman;
    podman.yamls = {{"http://h/ok.yaml", web_yaml}, {"http://h/job.yaml", job_yaml}};
    podman.pod_exits = {{web_yaml, {0, 0}}, {job_yaml, {0, 7}}};
    Config config;
    config.pipeline.pipefail = true;
    config.pipeline.runs = {pod("http://h/ok.yaml"), pod("http://h/job.yaml"), container("never")};

    auto status = run_pipeline(config, podman.runtime());

    CHECK(status.status == 7);
    CHECK(podman.attached_images().empty());
    CHECK(podman.downs == std::vector<std::string>{web_yaml, job_yaml});
}

TEST_CASE("a pod whose images cannot be pulled yet is played again, torn down between attempts")
{
    fake::Podman podman;
    podman.yamls = {{"http://h/job.yaml", job_yaml}};
    podman.pod_exits = {{job_yaml, {0}}};
    podman.play_failures = {{job_yaml, 2}};
    fake::LogCapture log;

    CHECK(run_pod(podman.runtime(), pod("http://h/job.yaml")) == 0);
    CHECK(count_starting(podman.lines(), "podman kube play") == 3);
    CHECK(podman.sleeps == std::vector<std::chrono::seconds>{std::chrono::seconds(2), std::chrono::seconds(4)});
    CHECK(podman.downs.size() == 3);  // after each failure, then at the end
    CHECK(log.text().find("connection refused") != std::string::npos);
}

TEST_CASE("a YAML podman refuses is not played again; the error names its URL and podman's reason")
{
    fake::Podman podman;
    podman.yamls = {{"http://h/bad.yaml", job_yaml}};
    podman.refused_yamls = {job_yaml};
    fake::LogCapture log;

    CHECK(run_pod(podman.runtime(), pod("http://h/bad.yaml")) == exit_cannot_run);
    CHECK(count_starting(podman.lines(), "podman kube play") == 1);
    CHECK(podman.sleeps.empty());
    CHECK(count_starting(podman.lines(), "podman wait") == 0);
    auto text = log.text();
    CHECK(text.find("podman refuses its YAML (http://h/bad.yaml)") != std::string::npos);
    CHECK(text.find("cannot unmarshal !!seq into v1.PodSpec") != std::string::npos);
}

TEST_CASE("a YAML that cannot be fetched: exit code 125, nothing played, the URL and the reason named")
{
    fake::Podman podman;
    fake::LogCapture log;
    Config config;
    config.pipeline.runs = {pod("http://h/missing.yaml"), container("after")};

    auto status = run_pipeline(config, podman.runtime());

    CHECK(status.status == exit_cannot_run);
    CHECK(count_starting(podman.lines(), "podman kube") == 0);
    CHECK(podman.attached_images() == std::vector<std::string>{"after"});
    CHECK(log.text().find(
              "cannot fetch the pod's YAML: cannot download http://h/missing.yaml: the server answered HTTP 404") !=
          std::string::npos);
}

TEST_CASE("a pod service is played before the runs and torn down after them")
{
    fake::Podman podman;
    podman.yamls = {{"http://h/web.yaml", web_yaml}};
    podman.pod_exits = {{web_yaml, {0}}};
    Config config;
    config.pipeline.services = {pod("http://h/web.yaml"), pod("http://h/missing.yaml")};
    config.pipeline.runs = {container("a")};

    auto status = run_pipeline(config, podman.runtime());

    CHECK(status.status == 0);  // a service that cannot start does not fail the pipeline
    auto lines = podman.lines();
    auto play = std::find(lines.begin(), lines.end(), "podman kube play --network=host --start=false -");
    auto start = std::find_if(lines.begin(), lines.end(),
                              [](const std::string& l) { return l.starts_with("podman start --attach"); });
    auto down = std::find(lines.begin(), lines.end(), "podman kube down -");
    CHECK(play < start);
    CHECK(start < down);
    CHECK(down != lines.end());
    CHECK(count_starting(lines, "podman wait") == 0);  // a service is not waited for
    CHECK(podman.downs == std::vector<std::string>{web_yaml});
}

TEST_CASE("played_containers: the ids after Containers:, pull messages and the pod's id left out")
{
    const std::string a(64, 'a'), b(64, 'b'), p(64, 'c');
    CHECK(played_containers("Trying to pull x...\nCopying blob 123\nPod:\n" + p + "\nContainers:\n" + a + "\n" + b +
                            "\n\n") == std::vector<std::string>{a, b});
    CHECK(played_containers("Pod:\n" + p + "\nContainers:\n\n").empty());
    CHECK(played_containers("Error: something\n").empty());
    CHECK(played_containers("Containers:\n" + a + "\nnot an id\n" + b + "\n") == std::vector<std::string>{a});
    // One container: podman says so in the singular.
    CHECK(played_containers("Pod:\n" + p + "\nContainer:\n" + a + "\n") == std::vector<std::string>{a});
    CHECK(played_pods("Pod:\n" + p + "\nContainer:\n" + a + "\nPod:\n" + b + "\nContainers:\n") ==
          std::vector<std::string>{p, b});
}

TEST_CASE("play_failure_is_transient: registries out of reach are, YAML errors are not")
{
    CHECK(play_failure_is_transient("Error: initializing source docker://r/i: pinging container registry r: "
                                    "connect: connection refused"));
    CHECK(play_failure_is_transient("Error: reading manifest latest in r/i: unexpected EOF"));
    CHECK(play_failure_is_transient("Error: Get \"https://r/v2/\": dial tcp: i/o timeout"));
    CHECK_FALSE(play_failure_is_transient("Error: unable to read YAML as Kube Pod: yaml: line 3: mapping values "
                                          "are not allowed in this context"));
    CHECK_FALSE(play_failure_is_transient("Error: YAML document does not contain any supported kube kind"));
    CHECK_FALSE(play_failure_is_transient(""));
}
