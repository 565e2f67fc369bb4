#pragma once

// What the invalid-input table of test_protocol_invalid.cpp is built from: the protocol's own
// examples (samples.h) by subject, a decoder per type, and row(): an example with one value
// edited, which must fail on the named field.

#include "json_edit.h"
#include "samples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <functional>
#include <optional>

namespace openopd::testing::invalid {

using namespace openopd::protocol;

struct Decoder
{
    std::function<bus::BusError(const QByteArray&)> decode;
};

template <class T> Decoder decoder()
{
    return {[](const QByteArray& bytes) { return bus::Codec<T>::decode(bytes).error(); }};
}

inline QJsonObject requestOf(const char* subject)
{
    for (const auto& example : samples::endpointExamples())
        if (example.subject == subject)
            return example.request;
    qFatal("no example for %s", subject);
}

inline QJsonObject replyOf(const char* subject)
{
    for (const auto& example : samples::endpointExamples())
        if (example.subject == subject)
            return example.reply;
    qFatal("no example for %s", subject);
}

inline QJsonObject eventOf(const char* subject)
{
    for (const auto& example : samples::eventExamples())
        if (example.subject == subject)
            return example.envelope;
    qFatal("no example for %s", subject);
}

inline QString repeated(qsizetype count)
{
    return QString(count, u'x');
}

inline QJsonArray manyItems(qsizetype count, const QJsonValue& item)
{
    QJsonArray array;
    for (qsizetype i = 0; i < count; ++i)
        array.append(item);
    return array;
}

// A row: base with the value at path replaced (nullopt removes it) must fail on field.
inline void row(const char* name, const Decoder& decoder, const QJsonObject& base,
                const QString& path, std::optional<QJsonValue> value, const QString& field,
                const QString& messagePart)
{
    const QJsonObject input = openopd::testing::edited(base, path, std::move(value));
    QTest::newRow(name) << decoder << QJsonDocument(input).toJson(QJsonDocument::Compact) << field
                        << messagePart;
}

} // namespace openopd::testing::invalid

Q_DECLARE_METATYPE(openopd::testing::invalid::Decoder)
