#pragma once

#include "bus/error.h"

#include <utility>
#include <variant>

namespace openopd::bus {

// A value or the BusError that prevented it (std::expected is C++23; Debian 12 has C++20).
template <class T> class Result
{
public:
    Result(T value) : m_value(std::in_place_index<0>, std::move(value)) {}
    Result(BusError error) : m_value(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<0>(m_value); }
    T& value() & { return std::get<0>(m_value); }
    T&& value() && { return std::get<0>(std::move(m_value)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    // The error; a default (Kind::None) error when the result holds a value.
    BusError error() const { return ok() ? BusError{} : std::get<1>(m_value); }

private:
    std::variant<T, BusError> m_value;
};

} // namespace openopd::bus
