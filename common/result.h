// The one shape for functions that never throw but must say why they give
// nothing: a value, or a sentence a person can act on.
//
//   Result<Cache> setup_cache(...);          return failure("no disk has 256 MiB free");
//   if (auto cache = setup_cache(...)) use(*cache); else log(cache.error());
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace b2c {

// Converts to a failed Result of any type.
struct Failure {
    std::string why;
};

inline Failure failure(std::string why)
{
    return Failure{std::move(why)};
}

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : value_(std::move(value)) {}
    Result(Failure failed) : why_(std::move(failed.why)) {}

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }
    // Why there is no value (empty when there is one).
    const std::string& error() const { return why_; }

private:
    std::optional<T> value_;
    std::string why_;
};

// For what gives nothing back but may fail.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Failure failed) : failed_(true), why_(std::move(failed.why)) {}

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const std::string& error() const { return why_; }

private:
    bool failed_ = false;
    std::string why_;
};

}  // namespace b2c
