// The command runner with real processes (sh, sleep): timeouts, stalls,
// processes left behind, stdin, stderr kept.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>

#include "common/run_command.h"

using namespace b2c;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Command shell(const std::string& script)
{
    Command cmd;
    cmd.argv = {"sh", "-c", script};
    cmd.log_command = false;
    return cmd;
}

}  // namespace

TEST_CASE("run_command: output and exit code")
{
    auto result = run_command(shell("echo out; echo err >&2; exit 3"));
    CHECK(result.exit_code == 3);
    CHECK(result.output.find("out\n") != std::string::npos);
    CHECK(result.output.find("err\n") != std::string::npos);
    CHECK_FALSE(result.timed_out);
}

TEST_CASE("run_command: a timeout kills a command whose child holds the pipe")
{
    // The reader used to wait for the pipe's end, which the grandchild
    // `sleep` kept open for ever.
    auto cmd = shell("sleep 100 & sleep 100");
    cmd.timeout = std::chrono::seconds(1);
    auto start = Clock::now();
    auto result = run_command(cmd);
    CHECK(seconds_since(start) < 10);
    CHECK(result.timed_out);
    CHECK(result.exit_code == 128 + 9);
}

TEST_CASE("run_command: a process left behind does not keep us waiting")
{
    auto start = Clock::now();
    auto result = run_command(shell("sleep 100 & echo started"));
    CHECK(seconds_since(start) < 10);
    CHECK(result.exit_code == 0);
    CHECK(result.output == "started\n");
}

TEST_CASE("run_command: a command that makes no progress is killed")
{
    auto cmd = shell("echo begin; sleep 100");
    cmd.stall_timeout = std::chrono::seconds(2);
    cmd.progress = [] { return std::uint64_t{42}; };
    auto start = Clock::now();
    auto result = run_command(cmd);
    CHECK(seconds_since(start) < 10);
    CHECK(result.timed_out);
    CHECK(result.stalled);
}

TEST_CASE("run_command: growth below min_progress is no progress")
{
    std::atomic<std::uint64_t> counter{0};
    auto cmd = shell("sleep 100");
    cmd.stall_timeout = std::chrono::seconds(2);
    cmd.progress = [&] { return ++counter; };  // a byte a second: ARP, not a pull
    cmd.min_progress = 1000;
    auto result = run_command(cmd);
    CHECK(result.stalled);
}

TEST_CASE("run_command: progress keeps a silent command alive")
{
    std::atomic<std::uint64_t> counter{0};
    auto cmd = shell("sleep 4; echo done");
    cmd.stall_timeout = std::chrono::seconds(2);
    cmd.progress = [&] { return ++counter; };
    auto result = run_command(cmd);
    CHECK_FALSE(result.timed_out);
    CHECK(result.output == "done\n");
}

TEST_CASE("run_command: stdin is fed, even a large one, while output is read")
{
    auto cmd = shell("wc -c");
    cmd.stdin_data = std::string(1 << 20, 'x');
    auto result = run_command(cmd);
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("1048576") != std::string::npos);
    cmd = shell("cat");
    cmd.stdin_data = std::string(300000, 'y');
    result = run_command(cmd);
    CHECK(result.output.size() == 300000);
}

TEST_CASE("run_command: stderr of a console command is kept too")
{
    auto cmd = shell("echo to-the-console; echo Error: crun: oops >&2; exit 125");
    cmd.capture_output = false;
    cmd.keep_stderr = true;
    auto result = run_command(cmd);
    CHECK(result.exit_code == 125);
    CHECK(result.output == "Error: crun: oops\n");
}

TEST_CASE("run_command: secrets never come back in the output")
{
    auto cmd = shell("echo the password is hunter2");
    cmd.secrets = {"hunter2"};
    CHECK(run_command(cmd).output == "the password is ***\n");
}

TEST_CASE("run_command: children do not inherit our OOM protection")
{
    std::ofstream adj("/proc/self/oom_score_adj");
    adj << "-500";
    adj.close();
    if (!adj) {
        WARN("cannot lower our oom_score_adj (not root): not checked");
        return;
    }
    auto result = run_command(shell("cat /proc/self/oom_score_adj"));
    std::ofstream("/proc/self/oom_score_adj") << "0";
    CHECK(result.output == "0\n");
}

TEST_CASE("run_command: a program that does not exist throws")
{
    Command cmd;
    cmd.argv = {"b2c-no-such-program"};
    cmd.log_command = false;
    CHECK_THROWS_WITH(run_command(cmd), Catch::Contains("not found"));
}
