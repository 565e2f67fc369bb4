// The examples of docs/protocol.md (samples::endpointExamples / eventExamples) tell one
// consistent story: every event's envelope agrees with its payload (patient_id, visit_id,
// time), the same visit always belongs to the same patient, token and queue, the same
// consultation to the same visit, a new patient is at revision 1, and event ids are unique.

#include "samples.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace openopd::protocol;

namespace {

using Visitor = std::function<void(const QJsonObject&, const QString& path)>;

void walk(const QJsonValue& value, const QString& path, const Visitor& visit)
{
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            walk(array.at(i), path + QStringLiteral("[%1]").arg(i), visit);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        visit(object, path);
        for (auto it = object.begin(); it != object.end(); ++it)
            walk(it.value(), path + u'.' + it.key(), visit);
    }
}

// Every example message with a name for messages.
QList<std::pair<QString, QJsonObject>> allMessages()
{
    QList<std::pair<QString, QJsonObject>> messages;
    for (const auto& example : samples::endpointExamples()) {
        messages.append(
            {QString::fromLatin1(example.subject) + QStringLiteral(" request"), example.request});
        messages.append(
            {QString::fromLatin1(example.subject) + QStringLiteral(" reply"), example.reply});
    }
    for (const auto& example : samples::eventExamples())
        messages.append({QString::fromLatin1(example.subject), example.envelope});
    return messages;
}

bool isVisit(const QJsonObject& object)
{
    return object.contains(QStringLiteral("history")) && object.contains(QStringLiteral("token"));
}

bool isPatient(const QJsonObject& object)
{
    return object.contains(QStringLiteral("mrn")) && object.contains(QStringLiteral("revision"));
}

// A fact "key -> value" that must be the same wherever it is stated.
class Facts
{
public:
    void state(const QString& what, const QString& key, const QJsonValue& value,
               const QString& where)
    {
        if (key.isEmpty() || value.isUndefined())
            return;
        const QString id = what + u' ' + key;
        const auto known = m_facts.constFind(id);
        if (known == m_facts.cend()) {
            m_facts.insert(id, {value, where});
            return;
        }
        if (known->first != value)
            m_contradictions.append(QStringLiteral("%1: %2 at %3, %4 at %5")
                                        .arg(id, known->first.toVariant().toString(), known->second,
                                             value.toVariant().toString(), where));
    }
    void contradict(const QString& why) { m_contradictions.append(why); }
    const QStringList& contradictions() const { return m_contradictions; }

private:
    QHash<QString, std::pair<QJsonValue, QString>> m_facts;
    QStringList m_contradictions;
};

QString text(const QJsonObject& object, const char* name)
{
    return object.value(QLatin1StringView(name)).toString();
}

// The latest top-level timestamp of an event payload (fields "at" and "*_at").
QString latestTime(const QJsonObject& payload)
{
    QString latest;
    for (auto it = payload.begin(); it != payload.end(); ++it) {
        if (it.key() != QStringLiteral("at") && !it.key().endsWith(QStringLiteral("_at")))
            continue;
        const QDateTime time = parseTimestamp(it.value().toString());
        if (latest.isEmpty() || time > parseTimestamp(latest))
            latest = it.value().toString();
    }
    return latest;
}

} // namespace

class TestProtocolExamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void envelopesAgreeWithTheirPayload()
    {
        QSet<QString> ids;
        for (const auto& example : samples::eventExamples()) {
            const QString subject = QString::fromLatin1(example.subject);
            const QJsonObject& envelope = example.envelope;
            const QJsonObject payload = envelope.value(QStringLiteral("payload")).toObject();
            QVERIFY2(!ids.contains(text(envelope, "id")), qPrintable(subject));
            ids.insert(text(envelope, "id"));
            QCOMPARE(QStringLiteral("opd.events.") + text(envelope, "type"), subject);
            const bool visitPayload = isVisit(payload);
            const bool patientPayload = isPatient(payload);
            const QString patientId =
                patientPayload ? text(payload, "id") : text(payload, "patient_id");
            const QString visitId = visitPayload ? text(payload, "id") : text(payload, "visit_id");
            QVERIFY2(text(envelope, "patient_id") == patientId, qPrintable(subject));
            QVERIFY2(text(envelope, "visit_id") == visitId, qPrintable(subject));
            // Every visit event carries visit_id in the envelope.
            if (subject.startsWith(QStringLiteral("opd.events.visit.")) ||
                subject.startsWith(QStringLiteral("opd.events.lab.")) ||
                subject.startsWith(QStringLiteral("opd.events.list.")))
                QVERIFY2(!visitId.isEmpty(), qPrintable(subject));
            // The event happens when its payload says the change happened.
            const QString occurredAt = text(envelope, "occurred_at");
            if (visitPayload) {
                const QJsonArray history = payload.value(QStringLiteral("history")).toArray();
                QCOMPARE(text(history.last().toObject(), "at"), occurredAt);
            }
            if (patientPayload)
                QCOMPARE(text(payload, "updated_at"), occurredAt);
            else if (!latestTime(payload).isEmpty())
                QVERIFY2(latestTime(payload) == occurredAt,
                         qPrintable(subject + u' ' + latestTime(payload) + u' ' + occurredAt));
            if (subject == QStringLiteral("opd.events.patient.registered"))
                QCOMPARE(payload.value(QStringLiteral("revision")).toInt(), 1);
        }
    }

    // The same visit, consultation or patient is described the same way in every example.
    void examplesTellOneStory()
    {
        Facts facts;
        for (const auto& [name, message] : allMessages()) {
            walk(message, name, [&facts](const QJsonObject& object, const QString& where) {
                QString visitId = object.value(QStringLiteral("visit_id")).toString();
                if (isVisit(object))
                    visitId = text(object, "id");
                for (const char* field : {"patient_id", "token", "queue", "day"})
                    facts.state(QStringLiteral("visit %1").arg(QLatin1StringView(field)), visitId,
                                object.value(QLatin1StringView(field)), where);
                if (object.contains(QStringLiteral("patient_name")))
                    facts.state(QStringLiteral("patient name"), text(object, "patient_id"),
                                object.value(QStringLiteral("patient_name")), where);
                if (isPatient(object)) {
                    facts.state(QStringLiteral("patient name"), text(object, "id"),
                                object.value(QStringLiteral("full_name")), where);
                    facts.state(QStringLiteral("patient mrn"), text(object, "id"),
                                object.value(QStringLiteral("mrn")), where);
                    facts.state(QStringLiteral("patient registered_at"), text(object, "id"),
                                object.value(QStringLiteral("registered_at")), where);
                    if (object.value(QStringLiteral("revision")).toInt() == 1 &&
                        object.value(QStringLiteral("updated_at")) !=
                            object.value(QStringLiteral("registered_at")))
                        facts.contradict(where + QStringLiteral(": revision 1 but updated_at is "
                                                                "not registered_at"));
                }
                const QString consultationId = text(object, "consultation_id");
                facts.state(QStringLiteral("consultation visit"), consultationId,
                            object.value(QStringLiteral("visit_id")), where);
                if (object.contains(QStringLiteral("doctor")) &&
                    object.contains(QStringLiteral("saved_at")))
                    facts.state(QStringLiteral("consultation visit"), text(object, "id"),
                                object.value(QStringLiteral("visit_id")), where);
            });
        }
        QVERIFY2(facts.contradictions().isEmpty(),
                 qPrintable(facts.contradictions().join(QStringLiteral("\n"))));
    }

    // The checker finds the contradictions it is meant to find (a test that cannot fail is
    // no test): one visit id with two patients.
    void aContradictionIsFound()
    {
        Facts facts;
        facts.state(QStringLiteral("visit patient_id"), QStringLiteral("v1"), QStringLiteral("p1"),
                    QStringLiteral("a"));
        facts.state(QStringLiteral("visit patient_id"), QStringLiteral("v1"), QStringLiteral("p2"),
                    QStringLiteral("b"));
        QCOMPARE(facts.contradictions().size(), 1);
        QJsonObject payload{
            {QStringLiteral("at"), QStringLiteral("2024-05-06T08:20:00.000Z")},
            {QStringLiteral("saved_at"), QStringLiteral("2024-05-06T08:35:00.000Z")}};
        QCOMPARE(latestTime(payload), QStringLiteral("2024-05-06T08:35:00.000Z"));
    }
};

QTEST_GUILESS_MAIN(TestProtocolExamples)
#include "test_protocol_examples.moc"
