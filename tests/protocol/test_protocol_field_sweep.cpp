// Every field of every example message (requests, replies, event envelopes), given a value
// of the wrong JSON type or (strings) 4001 characters, is refused with exactly its dotted path
// named; removed, it is either optional or refused with a field named.

#include "json_edit.h"
#include "samples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace openopd;
using namespace openopd::protocol;
using openopd::testing::edited;

namespace {

// Every path in a JSON value ("a", "a.b", "a.list[2]", "a.list[2].c"), parents first.
void collectPaths(const QJsonValue& value, const QString& path, QStringList& paths)
{
    if (!path.isEmpty())
        paths.append(path);
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            collectPaths(it.value(), path.isEmpty() ? it.key() : path + u'.' + it.key(), paths);
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            collectPaths(array.at(i), path + u'[' + QString::number(i) + u']', paths);
    }
}

// A value of another JSON type than value.
QJsonValue wrongType(const QJsonValue& value)
{
    if (value.isString())
        return 7;
    if (value.isDouble())
        return QStringLiteral("7");
    if (value.isBool())
        return QStringLiteral("true");
    if (value.isArray())
        return QJsonObject{};
    return QStringLiteral("x");
}

QJsonValue valueAt(const QJsonObject& root, const QString& path)
{
    QJsonValue node = root;
    static const QRegularExpression step(QStringLiteral("([^.\\[\\]]+)|\\[([0-9]+)\\]"));
    auto it = step.globalMatch(path);
    while (it.hasNext()) {
        const auto match = it.next();
        node = match.captured(1).isEmpty() ? node.toArray().at(match.captured(2).toLongLong())
                                           : node.toObject().value(match.captured(1));
    }
    return node;
}

} // namespace

class TestProtocolFieldSweep : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFieldIsValidated()
    {
        struct Sample
        {
            QByteArray name;
            QJsonObject json;
            bus::BusError (*check)(QByteArrayView);
        };
        QList<Sample> all;
        for (const auto& example : samples::endpointExamples()) {
            const EndpointInfo* info = findEndpoint(example.subject);
            all.append({example.subject + " request", example.request, info->checkRequest});
            all.append({example.subject + " reply", example.reply, info->checkReply});
        }
        for (const auto& example : samples::eventExamples())
            all.append(
                {example.subject, example.envelope, findEvent(example.subject)->checkEnvelope});
        qsizetype checked = 0;
        for (const Sample& sample : all) {
            QStringList paths;
            collectPaths(sample.json, {}, paths);
            for (const QString& path : paths) {
                const QJsonValue bad = wrongType(valueAt(sample.json, path));
                const QJsonObject mistyped = edited(sample.json, path, bad);
                const bus::BusError typeError =
                    sample.check(QJsonDocument(mistyped).toJson(QJsonDocument::Compact));
                const QByteArray where = sample.name + ' ' + path.toUtf8();
                QVERIFY2(typeError.kind == bus::BusError::Kind::DecodeError, where.constData());
                QVERIFY2(typeError.field == path,
                         qPrintable(QString::fromUtf8(where) + u" named " + typeError.field));
                if (valueAt(sample.json, path).isString()) {
                    const QJsonObject oversized = edited(sample.json, path, QString(4001, u'x'));
                    const bus::BusError sizeError =
                        sample.check(QJsonDocument(oversized).toJson(QJsonDocument::Compact));
                    QVERIFY2(sizeError.field == path && sizeError.message.contains(u"longer"),
                             qPrintable(QString::fromUtf8(where) + u" named " + sizeError.field));
                }
                const QJsonObject removed = edited(sample.json, path, std::nullopt);
                const bus::BusError removeError =
                    sample.check(QJsonDocument(removed).toJson(QJsonDocument::Compact));
                if (removeError.isError()) {
                    QCOMPARE(removeError.code, errors::kBadRequest);
                    QVERIFY2(!removeError.field.isEmpty(), where.constData());
                }
                ++checked;
            }
        }
        QVERIFY(checked > 1000);
        qInfo("checked %lld fields", static_cast<long long>(checked));
    }
};

QTEST_GUILESS_MAIN(TestProtocolFieldSweep)
#include "test_protocol_field_sweep.moc"
