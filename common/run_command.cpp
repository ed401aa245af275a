#include "common/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <spdlog/spdlog.h>

#include "common/console_mode.h"
#include "common/text.h"

namespace bp = boost::process;

namespace b2c {

std::string format_command_line(const std::vector<std::string>& argv)
{
    std::string line;
    for (const auto& word : argv) {
        if (!line.empty())
            line += ' ';
        line += shell_quote(word);
    }
    return line;
}

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t max_captured = 16u << 20;  // a runaway command cannot eat the RAM
constexpr std::size_t kept_stderr = 64u << 10;
constexpr auto drain_after_exit = std::chrono::seconds(1);

bp::environment child_environment(const Command& cmd)
{
    bp::environment env = boost::this_process::environment();
    for (const auto& assignment : cmd.extra_env) {
        auto eq = assignment.find('=');
        if (eq == std::string::npos)
            continue;
        env[assignment.substr(0, eq)] = assignment.substr(eq + 1);
    }
    return env;
}

boost::filesystem::path find_program(const std::string& name)
{
    if (name.find('/') != std::string::npos)
        return name;
    auto path = bp::search_path(name);
    if (path.empty())
        throw std::runtime_error(fmt::format("cannot run '{}': program not found in PATH", name));
    return path;
}

int exit_code_of(const bp::child& child)
{
    // Boost reports a signal death as the raw status; give shells' 128+N.
    int native = child.native_exit_code();
    if (WIFSIGNALED(native))
        return 128 + WTERMSIG(native);
    return child.exit_code();
}

// Runs in the child between fork and exec: only async-signal-safe calls.
struct ChildSetup {
    bool own_group = false;
    template <typename Executor>
    void operator()(Executor&) const
    {
        if (own_group)
            ::setpgid(0, 0);
        // PID 1 and the boot sequence keep away from the OOM killer; what
        // they run must not inherit that.
        int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            [[maybe_unused]] auto written = ::write(fd, "0", 1);
            ::close(fd);
        }
    }
};

// What the waiting loop watches, besides the child itself.
struct Streams {
    int out = -1;           // what we read: stdout+stderr, or stderr alone
    bool echo_out = false;  // copy what is read to our stderr (keep_stderr)
    int in = -1;            // stdin to feed
    std::string_view to_feed;
};

void close_fd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

void append_bounded(std::string& text, const char* data, std::size_t n, std::size_t limit)
{
    text.append(data, n);
    if (text.size() > limit)
        text.erase(0, text.size() - limit);
}

class Waiter {
public:
    Waiter(const Command& cmd, bp::child& child, Streams streams, bool own_group)
        : cmd_(cmd), child_(child), s_(streams), own_group_(own_group)
    {
        if (cmd.timeout.count() > 0)
            deadline_ = Clock::now() + cmd.timeout;
        if (cmd.progress)
            last_progress_ = cmd.progress();
        if (s_.in >= 0)
            ::fcntl(s_.in, F_SETFL, ::fcntl(s_.in, F_GETFL) | O_NONBLOCK);
    }

    void run(CommandResult& result)
    {
        auto exited_at = Clock::time_point::max();
        while (true) {
            auto now = Clock::now();
            if (exited_at == Clock::time_point::max() && !child_.running())
                exited_at = now;
            bool exited = exited_at != Clock::time_point::max();
            // Done when the child is gone and its output ended, or has had
            // its second: a process it left behind may keep the pipe open.
            if (exited && (s_.out < 0 || now >= exited_at + drain_after_exit))
                break;
            if (!exited && now >= deadline_) {
                kill_child(result, false);
                return;
            }
            if (!exited && stalled(now)) {
                kill_child(result, true);
                return;
            }
            wait_for_io(exited ? exited_at + drain_after_exit : next_wakeup(now), result);
        }
        close_fd(s_.out);
        close_fd(s_.in);
        result.exit_code = exit_code_of(child_);
    }

private:
    Clock::time_point next_wakeup(Clock::time_point now) const
    {
        auto wake = std::min(deadline_, now + std::chrono::milliseconds(200));
        return wake;
    }

    bool stalled(Clock::time_point now)
    {
        if (cmd_.stall_timeout.count() <= 0)
            return false;
        if (cmd_.progress && now >= next_sample_) {
            next_sample_ = now + std::chrono::seconds(1);
            auto progress = cmd_.progress();
            if (progress < last_progress_ || progress - last_progress_ >= cmd_.min_progress) {
                last_progress_ = progress;
                last_activity_ = now;
            }
        }
        return now - last_activity_ >= cmd_.stall_timeout;
    }

    void wait_for_io(Clock::time_point until, CommandResult& result)
    {
        pollfd fds[2];
        nfds_t count = 0;
        if (s_.out >= 0)
            fds[count++] = {s_.out, POLLIN, 0};
        if (s_.in >= 0)
            fds[count++] = {s_.in, POLLOUT, 0};
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        int ready = ::poll(fds, count, static_cast<int>(std::clamp<long long>(wait, 0, 1000)));
        if (ready <= 0)
            return;
        for (nfds_t i = 0; i < count; ++i) {
            if (fds[i].revents == 0)
                continue;
            if (fds[i].fd == s_.out)
                read_output(result);
            else
                feed_input();
        }
    }

    void read_output(CommandResult& result)
    {
        char buffer[16384];
        ssize_t n = ::read(s_.out, buffer, sizeof buffer);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (n <= 0) {
            close_fd(s_.out);  // every writer closed it
            return;
        }
        last_activity_ = Clock::now();
        if (cmd_.progress)
            last_progress_ = cmd_.progress();
        auto size = static_cast<std::size_t>(n);
        if (s_.echo_out) {
            for (std::size_t done = 0; done < size;) {
                ssize_t w = ::write(STDERR_FILENO, buffer + done, size - done);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0)
                    break;
                done += static_cast<std::size_t>(w);
            }
            append_bounded(result.output, buffer, size, kept_stderr);
        } else {
            append_bounded(result.output, buffer, size, max_captured);
        }
    }

    void feed_input()
    {
        ssize_t n = ::write(s_.in, s_.to_feed.data(), s_.to_feed.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (n < 0) {
            close_fd(s_.in);  // it does not read its stdin: fine
            return;
        }
        s_.to_feed.remove_prefix(static_cast<std::size_t>(n));
        if (s_.to_feed.empty())
            close_fd(s_.in);
    }

    void kill_child(CommandResult& result, bool stalled)
    {
        result.timed_out = true;
        result.stalled = stalled;
        if (stalled)
            spdlog::warn("'{}' made no progress for {} s: killed", cmd_.argv[0], cmd_.stall_timeout.count());
        else
            spdlog::warn("'{}' did not finish within {} s: killed", cmd_.argv[0], cmd_.timeout.count());
        // The whole group when it has one: what it started goes with it.
        ::kill(own_group_ ? -child_.id() : child_.id(), SIGKILL);
        std::error_code ignored;
        child_.wait(ignored);
        close_fd(s_.out);
        close_fd(s_.in);
        result.exit_code = 128 + SIGKILL;
    }

    const Command& cmd_;
    bp::child& child_;
    Streams s_;
    bool own_group_;
    Clock::time_point deadline_ = Clock::time_point::max();
    Clock::time_point last_activity_ = Clock::now();
    Clock::time_point next_sample_ = Clock::now() + std::chrono::seconds(1);
    std::uint64_t last_progress_ = 0;
};

}  // namespace

CommandResult run_command(const Command& cmd)
{
    if (cmd.argv.empty())
        throw std::invalid_argument("run_command: empty command line");
    if (cmd.log_command)
        spdlog::info("$ {}", redact(format_command_line(cmd.argv), cmd.secrets));

    auto exe = find_program(cmd.argv[0]);
    std::vector<std::string> args(cmd.argv.begin() + 1, cmd.argv.end());
    auto env = child_environment(cmd);

    // A captured command gets a process group of its own, so that a timeout
    // kills what it started too. One on the console stays in ours: it may be
    // an interactive shell that needs the terminal's foreground group.
    const bool own_group = cmd.capture_output;
    auto setup = bp::extend::on_exec_setup = ChildSetup{own_group};
    bp::pipe out, in;
    std::error_code launch_error;
    bp::child child;
    if (cmd.capture_output && cmd.stdin_data)
        child = bp::child(exe, bp::args(args), env, (bp::std_out & bp::std_err) > out, bp::std_in < in, setup,
                          launch_error);
    else if (cmd.capture_output)
        child = bp::child(exe, bp::args(args), env, (bp::std_out & bp::std_err) > out, bp::std_in < bp::null, setup,
                          launch_error);
    else if (cmd.keep_stderr && cmd.stdin_data)
        child = bp::child(exe, bp::args(args), env, bp::std_err > out, bp::std_in < in, setup, launch_error);
    else if (cmd.keep_stderr)
        child = bp::child(exe, bp::args(args), env, bp::std_err > out, setup, launch_error);
    else if (cmd.stdin_data)
        child = bp::child(exe, bp::args(args), env, bp::std_in < in, setup, launch_error);
    else
        child = bp::child(exe, bp::args(args), env, setup, launch_error);
    if (launch_error)
        throw std::runtime_error(fmt::format("cannot run '{}': {}", cmd.argv[0], launch_error.message()));

    Streams streams;
    if (cmd.capture_output || cmd.keep_stderr) {
        streams.out = ::fcntl(out.native_source(), F_DUPFD_CLOEXEC, 3);
        streams.echo_out = !cmd.capture_output;
    }
    if (cmd.stdin_data) {
        streams.in = ::fcntl(in.native_sink(), F_DUPFD_CLOEXEC, 3);
        streams.to_feed = *cmd.stdin_data;
    }
    out.close();
    in.close();

    CommandResult result;
    Waiter(cmd, child, streams, own_group).run(result);
    if (!cmd.capture_output)
        make_console_blocking();
    result.output = redact(std::move(result.output), cmd.secrets);
    return result;
}

}  // namespace b2c
