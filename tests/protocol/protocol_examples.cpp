// Prints the JSON examples of every endpoint and event (the ones in docs/protocol.md) as
// markdown, so that the documentation shows exactly what the code writes.
//   protocol_examples            every subject
//   protocol_examples <subject>  one subject

#include "samples.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

using namespace openopd::protocol;

namespace {

constexpr qsizetype kWidth = 92;

QString scalar(const QJsonValue& value)
{
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

// "v" first, then the other keys in alphabetical order.
QStringList orderedKeys(const QJsonObject& object)
{
    QStringList keys = object.keys();
    if (keys.removeOne(QStringLiteral("v")))
        keys.prepend(QStringLiteral("v"));
    return keys;
}

QString inlineJson(const QJsonValue& value)
{
    if (value.isArray()) {
        QStringList items;
        for (const QJsonValue& item : value.toArray())
            items.append(inlineJson(item));
        return u'[' + items.join(QStringLiteral(", ")) + u']';
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        QStringList items;
        for (const QString& key : orderedKeys(object))
            items.append(scalar(key) + QStringLiteral(": ") + inlineJson(object.value(key)));
        return u'{' + items.join(QStringLiteral(", ")) + u'}';
    }
    return scalar(value);
}

// Compact pretty printing: a value that fits on the rest of the line stays on one line.
QString pretty(const QJsonValue& value, qsizetype indent, qsizetype used)
{
    const QString flat = inlineJson(value);
    if ((!value.isObject() && !value.isArray()) || indent + used + flat.size() <= kWidth)
        return flat;
    const QString pad(indent + 2, u' ');
    QStringList lines;
    if (value.isArray()) {
        for (const QJsonValue& item : value.toArray())
            lines.append(pad + pretty(item, indent + 2, 0));
        return QStringLiteral("[\n") + lines.join(QStringLiteral(",\n")) + u'\n' +
               QString(indent, u' ') + u']';
    }
    const QJsonObject object = value.toObject();
    for (const QString& key : orderedKeys(object)) {
        const QString name = scalar(key) + QStringLiteral(": ");
        lines.append(pad + name + pretty(object.value(key), indent + 2, name.size()));
    }
    return QStringLiteral("{\n") + lines.join(QStringLiteral(",\n")) + u'\n' +
           QString(indent, u' ') + u'}';
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QByteArray only = argc > 1 ? QByteArray(argv[1]) : QByteArray();
    QTextStream out(stdout);
    const auto block = [&out](const QJsonObject& json) {
        out << "```json\n" << pretty(json, 0, 0) << "\n```\n";
    };
    for (const auto& example : samples::endpointExamples()) {
        if (!only.isEmpty() && example.subject != only)
            continue;
        const EndpointInfo* info = findEndpoint(example.subject);
        out << "### `" << QString::fromLatin1(example.subject) << "`\n\n"
            << info->requestType << " -> " << info->replyType << "\n\n";
        block(example.request);
        block(example.reply);
        out << "\n";
    }
    for (const auto& example : samples::eventExamples()) {
        if (!only.isEmpty() && example.subject != only)
            continue;
        out << "### `" << QString::fromLatin1(example.subject) << "`\n\n";
        block(example.envelope);
        out << "\n";
    }
    return 0;
}
