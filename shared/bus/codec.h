#pragma once

#include "bus/json_reader.h"
#include "bus/result.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <concepts>

namespace openopd::bus {

// Codec<T> turns T into bytes and back. Specialise it for a type, or give the type
//   QJsonObject toJson() const;  static Result<T> fromJson(const QJsonObject&);
// and the JSON codec below is used. decode() must validate and name the bad field.
template <class T> struct Codec;

template <class T>
concept JsonMessage = requires(const T& value, const QJsonObject& object)
{
    {
        value.toJson()
        } -> std::same_as<QJsonObject>;
    {
        T::fromJson(object)
        } -> std::same_as<Result<T>>;
};

// Largest payload a decoder accepts; NATS's default max_payload is 1 MiB too.
inline constexpr qsizetype kMaxPayloadBytes = 1024 * 1024;

template <JsonMessage T> struct Codec<T>
{
    static QByteArray encode(const T& value)
    {
        return QJsonDocument(value.toJson()).toJson(QJsonDocument::Compact);
    }
    static Result<T> decode(QByteArrayView data)
    {
        auto object = parseJsonObject(data, kMaxPayloadBytes);
        if (!object)
            return object.error();
        return T::fromJson(*object);
    }
};

// Raw bytes pass through unchanged (benchmarks, opaque payloads).
template <> struct Codec<QByteArray>
{
    static QByteArray encode(const QByteArray& value) { return value; }
    static Result<QByteArray> decode(QByteArrayView data) { return data.toByteArray(); }
};

template <> struct Codec<QJsonObject>
{
    static QByteArray encode(const QJsonObject& value)
    {
        return QJsonDocument(value).toJson(QJsonDocument::Compact);
    }
    static Result<QJsonObject> decode(QByteArrayView data)
    {
        return parseJsonObject(data, kMaxPayloadBytes);
    }
};

template <class T>
concept Encodable = requires(const T& value, QByteArrayView bytes)
{
    {
        Codec<T>::encode(value)
        } -> std::same_as<QByteArray>;
    {
        Codec<T>::decode(bytes)
        } -> std::same_as<Result<T>>;
};

} // namespace openopd::bus
