#include "storage/s3/transfer_engine.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/run_command.h"
#include "common/unique_fd.h"
#include "storage/s3/digest.h"
#include "storage/s3/response_headers.h"
#include "storage/s3/s3_xml.h"

namespace b2c::s3 {

struct TransferEngine::Active {
    std::shared_ptr<Transfer> transfer;
    unsigned attempt = 1;
    CurlEasy easy;
    HeaderList headers;
    char error_buffer[CURL_ERROR_SIZE] = {};
    // upload
    UniqueFd in;
    std::uint64_t position = 0;
    std::string read_error;
    // answer
    Outcome outcome;
    std::optional<EtagBuilder> etag;
    std::string write_error;
    std::uint64_t* uploaded = nullptr;
    std::uint64_t* downloaded = nullptr;
    QuickAck* quick_ack = nullptr;
};

namespace {

constexpr std::size_t max_body = 1 << 20;  // an XML answer or error; more is cut

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* active = static_cast<TransferEngine::Active*>(user);
    if (std::string_view(data, size * count).starts_with("HTTP/"))
        active->quick_ack->acknowledge(active->easy.get());  // see quick_ack.h: a small body held back 40 ms
    add_header_line(std::string_view(data, size * count), active->outcome.headers);
    return size * count;
}

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* active = static_cast<TransferEngine::Active*>(user);
    std::size_t n = size * count;
    long status = 0;
    curl_easy_getinfo(active->easy.get(), CURLINFO_RESPONSE_CODE, &status);
    Outcome& outcome = active->outcome;
    const auto& at = active->transfer->download_at;
    if (at && status >= 200 && status < 300) {
        for (std::size_t written = 0; written < n;) {
            ssize_t w =
                ::pwrite(at->fd, data + written, n - written, static_cast<off_t>(at->offset + outcome.file_size));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                active->write_error = fmt::format("cannot write a download: {}", error_text(errno));
                return 0;
            }
            written += static_cast<std::size_t>(w);
            outcome.file_size += static_cast<std::uint64_t>(w);
        }
        *active->downloaded += n;
        return n;
    }
    if (outcome.file && status >= 200 && status < 300) {
        try {
            outcome.file->write(data, n);
        } catch (const std::exception& e) {
            active->write_error = e.what();
            return 0;  // makes libcurl fail the transfer
        }
        active->etag->update(data, n);
        *active->downloaded += n;
        return n;
    }
    if (outcome.body.size() < max_body)
        outcome.body.append(data, std::min(n, max_body - outcome.body.size()));
    return n;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user)
{
    auto* active = static_cast<TransferEngine::Active*>(user);
    const auto& range = *active->transfer->upload;
    std::uint64_t left = range.length - active->position;
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * count));
    if (want == 0)
        return 0;
    ssize_t n;
    do {
        n = ::pread(active->in.get(), buffer, want, static_cast<off_t>(range.offset + active->position));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        active->read_error = n == 0 ? range.name + " became shorter while it was sent"
                                    : fmt::format("cannot read {}: {}", range.name, error_text(errno));
        return CURL_READFUNC_ABORT;
    }
    active->position += static_cast<std::uint64_t>(n);
    *active->uploaded += static_cast<std::uint64_t>(n);
    return static_cast<std::size_t>(n);
}

int on_seek(void* user, curl_off_t offset, int origin)
{
    auto* active = static_cast<TransferEngine::Active*>(user);
    if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > active->transfer->upload->length)
        return CURL_SEEKFUNC_CANTSEEK;
    *active->uploaded -= std::min(*active->uploaded, active->position);  // counted again when re-sent
    active->position = static_cast<std::uint64_t>(offset);
    return CURL_SEEKFUNC_OK;
}

// Trouble that may pass: the server or the network restarting, a timeout.
bool transport_error_is_transient(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR: return true;
    default: return false;
    }
}

bool status_is_transient(long status, const std::string& s3_code)
{
    // RequestTimeout: the server gave up on a slow body; BadDigest: the body
    // arrived damaged. Both are worth sending again.
    return status >= 500 || status == 429 || s3_code == "RequestTimeout" || s3_code == "BadDigest" ||
           s3_code == "SlowDown" || s3_code == "InternalError";
}

}  // namespace

TransferEngine::TransferEngine(Credentials credentials, EngineOptions options)
    : credentials_(std::move(credentials)), options_(std::move(options))
{
    init_curl_once();
    multi_.reset(curl_multi_init());
    if (!multi_)
        throw std::runtime_error("cannot create a libcurl multi handle");
    options_.max_in_flight = std::max(1u, options_.max_in_flight);
    options_.attempts = std::max(1u, options_.attempts);
    // One connection per transfer in flight, kept between transfers.
    curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(options_.max_in_flight));
}

TransferEngine::~TransferEngine()
{
    for (auto& [easy, active] : active_)
        curl_multi_remove_handle(multi_.get(), easy);
}

void TransferEngine::add(Transfer transfer)
{
    ready_.push_back({std::make_shared<Transfer>(std::move(transfer)), 1});
}

void TransferEngine::start(Queued queued)
{
    auto active = std::make_unique<Active>();
    active->transfer = queued.transfer;
    active->attempt = queued.attempt;
    active->uploaded = &uploaded_;
    active->downloaded = &downloaded_;
    active->quick_ack = &quick_ack_;
    Transfer& transfer = *queued.transfer;
    Outcome& outcome = active->outcome;
    try {
        if (queued.attempt == 1 && transfer.prepare)
            transfer.prepare(transfer.request);
        if (transfer.upload)
            active->in = transfer.upload->open();
        if (transfer.download_to) {
            outcome.file = transfer.download_to();
            active->etag.emplace(transfer.download_part_size);
        }
    } catch (const std::exception& e) {
        outcome.error = redact(e.what(), options_.secrets);
        if (transfer.done)
            transfer.done(outcome);
        return;
    }

    active->easy.reset(curl_easy_init());
    if (!active->easy)
        throw std::runtime_error("cannot create a libcurl handle");
    CURL* easy = active->easy.get();
    active->headers = prepare_request(easy, transfer.request, credentials_);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, active.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, active->error_buffer);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, active.get());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, active.get());
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 256L << 10);
    quick_ack_.watch(easy);
    if (transfer.upload) {
        curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(easy, CURLOPT_READDATA, active.get());
        curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, on_seek);
        curl_easy_setopt(easy, CURLOPT_SEEKDATA, active.get());
        curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(transfer.upload->length));
        curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, 512L << 10);
    }
    CURLMcode added = curl_multi_add_handle(multi_.get(), easy);
    if (added != CURLM_OK)
        throw std::runtime_error(fmt::format("libcurl refuses a transfer: {}", curl_multi_strerror(added)));
    active_.emplace(easy, std::move(active));
}

void TransferEngine::finish(CURL* easy, CURLcode code)
{
    curl_multi_remove_handle(multi_.get(), easy);
    auto node = active_.extract(easy);
    std::unique_ptr<Active> active = std::move(node.mapped());
    Transfer& transfer = *active->transfer;
    Outcome& outcome = active->outcome;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &outcome.status);

    bool transient = false;
    if (code != CURLE_OK) {
        std::string reason = !active->read_error.empty()    ? active->read_error
                             : !active->write_error.empty() ? active->write_error
                             : active->error_buffer[0]      ? std::string(active->error_buffer)
                                                            : std::string(curl_easy_strerror(code));
        outcome.error = reason;
        transient = active->read_error.empty() && active->write_error.empty() && transport_error_is_transient(code);
    } else {
        auto error = parse_error(outcome.body);
        bool to_file = transfer.download_to || transfer.download_at;
        bool success = outcome.status >= 200 && outcome.status < 300 && !(error && !to_file);
        if (error)
            outcome.s3_code = error->code;
        if (success) {
            outcome.ok = true;
            if (outcome.file) {
                outcome.file_size = active->etag->size();
                outcome.file_etag = active->etag->finish();
            }
        } else {
            outcome.error = fmt::format("HTTP {}", outcome.status);
            if (error)  // RGW sends a <Code> with no <Message>
                outcome.error +=
                    error->message.empty() ? " " + error->code : fmt::format(" {}: {}", error->code, error->message);
            transient = status_is_transient(outcome.status, outcome.s3_code);
        }
    }
    outcome.error = redact(outcome.error, options_.secrets);

    if (!outcome.ok && transient && active->attempt < options_.attempts) {
        auto delay = options_.first_retry_delay * (1u << std::min(active->attempt - 1, 10u));
        spdlog::warn("{} {}: {}; attempt {} of {} in {} ms", transfer.request.method,
                     redact(transfer.request.url, options_.secrets), outcome.error, active->attempt + 1,
                     options_.attempts, delay.count());
        waiting_.emplace(std::chrono::steady_clock::now() + delay, Queued{active->transfer, active->attempt + 1});
        return;
    }
    if (!outcome.ok && active->attempt > 1)
        outcome.error += fmt::format(" (after {} attempts)", active->attempt);
    if (transfer.done)
        transfer.done(outcome);
}

void TransferEngine::run()
{
    using clock = std::chrono::steady_clock;
    while (!ready_.empty() || !waiting_.empty() || !active_.empty()) {
        auto now = clock::now();
        while (!waiting_.empty() && waiting_.begin()->first <= now) {
            ready_.push_back(std::move(waiting_.begin()->second));
            waiting_.erase(waiting_.begin());
        }
        while (active_.size() < options_.max_in_flight && !ready_.empty()) {
            Queued next = std::move(ready_.front());
            ready_.pop_front();
            start(std::move(next));
        }
        int running = 0;
        curl_multi_perform(multi_.get(), &running);
        int left = 0;
        while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
            if (message->msg == CURLMSG_DONE)
                finish(message->easy_handle, message->data.result);
        }
        if (!ready_.empty() && active_.size() < options_.max_in_flight)
            continue;  // `done` added work: start it at once
        int timeout_ms = 1000;
        if (!waiting_.empty()) {
            auto due = std::chrono::duration_cast<std::chrono::milliseconds>(waiting_.begin()->first - clock::now());
            timeout_ms = static_cast<int>(std::clamp<long long>(due.count(), 0, 1000));
        }
        if (active_.empty()) {
            if (ready_.empty() && !waiting_.empty())  // only retries left: wait for the first one
                std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
            continue;
        }
        curl_multi_poll(multi_.get(), nullptr, 0, timeout_ms, nullptr);
    }
}

}  // namespace b2c::s3
