#include "tools/b2c-vm/run.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <thread>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <fmt/format.h>

#include "tools/b2c-vm/console.h"

namespace bp = boost::process;

namespace b2c::vm {
namespace {

constexpr auto kStopGrace = std::chrono::seconds(3);

void write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        auto n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;  // stdout is gone: keep running, the status still counts
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

// QEMU, stopped when it goes out of scope: SIGTERM first so that it puts
// the terminal back, SIGKILL if it does not end in time.
class QemuProcess {
public:
    QemuProcess(const std::vector<std::string>& argv)
    {
        auto exe =
            argv.at(0).find('/') == std::string::npos ? bp::search_path(argv[0]) : boost::filesystem::path(argv[0]);
        if (exe.empty())
            throw QemuStartError(fmt::format("{} not found in PATH: install QEMU (Debian: qemu-system-x86)", argv[0]));
        try {
            child_ =
                bp::child(exe, bp::args(std::vector<std::string>(argv.begin() + 1, argv.end())), bp::std_out > pipe_);
        } catch (const bp::process_error& e) {
            throw QemuStartError(fmt::format("cannot start {}: {}", exe.string(), e.what()));
        }
        // Keep only the read end here, so that we see EOF when QEMU ends.
        ::close(pipe_.native_sink());
        pipe_.assign_sink(-1);
    }
    ~QemuProcess() { stop(); }
    QemuProcess(const QemuProcess&) = delete;
    QemuProcess& operator=(const QemuProcess&) = delete;

    int output_fd() const { return pipe_.native_source(); }

    void stop()
    {
        std::error_code ec;
        if (!child_.valid() || !child_.running(ec))
            return;
        ::kill(child_.id(), SIGTERM);
        auto until = Clock::now() + kStopGrace;
        while (child_.running(ec) && Clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (child_.running(ec))
            child_.terminate(ec);
        child_.wait(ec);
    }

    // Waits for QEMU's end: its exit code, or 128+N when killed by signal N.
    int wait()
    {
        std::error_code ec;
        child_.wait(ec);
        int raw = child_.native_exit_code();
        if (WIFSIGNALED(raw))
            return 128 + WTERMSIG(raw);
        return WIFEXITED(raw) ? WEXITSTATUS(raw) : 255;
    }

private:
    bp::pipe pipe_;
    bp::child child_;
};

int poll_timeout_ms(Clock::time_point now, std::optional<Clock::time_point> a, std::optional<Clock::time_point> b)
{
    std::optional<Clock::time_point> next = a;
    if (b && (!next || *b < *next))
        next = b;
    if (!next)
        return -1;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
    return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
}

}  // namespace

RunResult run_qemu(const std::vector<std::string>& argv, const RunSettings& settings, SignalWatch& signals)
{
    QemuProcess qemu(argv);
    ConsoleWatcher watcher;
    std::optional<Clock::time_point> probe_deadline;
    if (settings.probe_timeout)
        probe_deadline = Clock::now() + *settings.probe_timeout;
    bool holding = probe_deadline.has_value();
    std::string held;
    std::array<char, 16384> buffer;

    while (true) {
        auto now = Clock::now();
        if (settings.deadline && now >= *settings.deadline) {
            qemu.stop();
            return {RunEnd::timeout};
        }
        if (holding && now >= *probe_deadline) {
            qemu.stop();
            return {RunEnd::not_alive};
        }
        std::array<pollfd, 2> fds{{{qemu.output_fd(), POLLIN, 0}, {signals.fd(), POLLIN, 0}}};
        int ready = ::poll(fds.data(), fds.size(),
                           poll_timeout_ms(now, settings.deadline, holding ? probe_deadline : std::nullopt));
        if (ready < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "poll");
        if (int signal = signals.take()) {
            qemu.stop();
            RunResult result{RunEnd::interrupted};
            result.signal = signal;
            return result;
        }
        if (ready <= 0 || !(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        auto n = ::read(qemu.output_fd(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;  // QEMU closed its output: it is ending
        std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
        watcher.feed(chunk);
        if (!holding) {
            write_all(STDOUT_FILENO, chunk);
            continue;
        }
        held.append(chunk);
        if (watcher.guest_alive()) {
            holding = false;
            write_all(STDOUT_FILENO, held);
            held.clear();
        }
    }

    watcher.finish();
    if (holding && watcher.guest_alive())
        write_all(STDOUT_FILENO, held);
    RunResult result;
    result.qemu_exit = qemu.wait();
    result.qemu_ended = true;
    if (holding && !watcher.guest_alive())
        result.end = RunEnd::not_alive;
    else if (auto status = watcher.status()) {
        result.end = RunEnd::status;
        result.status = *status;
    } else if (watcher.session_ended())
        result.end = RunEnd::no_pipeline;
    else
        result.end = result.qemu_exit == 0 ? RunEnd::no_status : RunEnd::qemu_failed;
    return result;
}

}  // namespace b2c::vm
