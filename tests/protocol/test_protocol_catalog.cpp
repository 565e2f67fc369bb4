// The catalog of endpoints and events: every subject unique and in its role namespace,
// names valid for the NATS service API, state-changing requests carry staff, the catalog
// lists everything endpoints.h and events.h declare, and docs/protocol.md documents every
// subject with examples that decode and equal the examples the code prints.

#include "samples.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace openopd;
using namespace openopd::protocol;

namespace {

QString sourceFile(const char* relative)
{
    QFile file(QStringLiteral(OPENOPD_SOURCE_DIR "/") + QLatin1StringView(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

// docs/protocol.md: for each "### `subject`" heading, the ```json blocks below it.
QHash<QByteArray, QList<QByteArray>> documentedExamples(const QString& markdown)
{
    QHash<QByteArray, QList<QByteArray>> sections;
    static const QRegularExpression heading(QStringLiteral("^### `([^`]+)`"));
    QByteArray current;
    QByteArray block;
    bool inJson = false;
    for (const QString& line : markdown.split(u'\n')) {
        if (inJson) {
            if (line.startsWith(QStringLiteral("```"))) {
                sections[current].append(block);
                inJson = false;
            } else {
                block += line.toUtf8() + '\n';
            }
            continue;
        }
        const auto match = heading.match(line);
        if (match.hasMatch()) {
            current = match.captured(1).toUtf8();
            sections.insert(current, {});
        } else if (line.startsWith(QStringLiteral("## "))) {
            current.clear();
        } else if (line.startsWith(QStringLiteral("```json")) && !current.isEmpty()) {
            inJson = true;
            block.clear();
        }
    }
    return sections;
}

} // namespace

class TestProtocolCatalog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void subjectsAreUnique()
    {
        const QList<QByteArray> all = allEndpointSubjects() + allEventSubjects();
        const QSet<QByteArray> unique(all.cbegin(), all.cend());
        QCOMPARE(unique.size(), all.size());
        QVERIFY(allEndpointSubjects().size() >= 26);
        QVERIFY(allEventSubjects().size() >= 15);
    }

    void endpointsLieInTheirRoleNamespace()
    {
        static const QRegularExpression token(QStringLiteral("^[a-z][a-z0-9_]*$"));
        static const QRegularExpression serviceName(QStringLiteral("^[A-Za-z0-9_-]+$"));
        const QHash<QString, QString> serviceOf{
            {QStringLiteral("registration"), QStringLiteral("registration")},
            {QStringLiteral("consultation"), QStringLiteral("consultation")},
            {QStringLiteral("pharmacy"), QStringLiteral("pharmacy")},
            {QStringLiteral("lab"), QStringLiteral("pharmacy")},
            {QStringLiteral("discharge"), QStringLiteral("discharge")},
            {QStringLiteral("admin"), QStringLiteral("audit")},
            {QStringLiteral("identity"), QStringLiteral("identity")}};
        QSet<QString> names;
        for (const EndpointInfo& info : endpointCatalog()) {
            const QList<QByteArray> parts = info.subject.split('.');
            QVERIFY2(parts.size() >= 3 && parts.size() <= 5, info.subject.constData());
            QCOMPARE(parts.at(0), QByteArray("opd"));
            for (const QByteArray& part : parts)
                QVERIFY2(token.match(QString::fromLatin1(part)).hasMatch(),
                         info.subject.constData());
            QVERIFY2(endpointNamespaces().contains(info.roleNamespace), info.subject.constData());
            QVERIFY2(info.roleNamespace != QStringLiteral("events"), info.subject.constData());
            // opd.admin.staff.* (staff accounts) is served by identity, the rest by audit.
            const bool staffAdmin = info.subject.startsWith("opd.admin.staff.");
            QCOMPARE(info.service,
                     staffAdmin ? QStringLiteral("identity") : serviceOf.value(info.roleNamespace));
            QVERIFY2(serviceName.match(info.name).hasMatch(), qPrintable(info.name));
            QVERIFY2(!names.contains(info.service + u'/' + info.name), qPrintable(info.name));
            names.insert(info.service + u'/' + info.name);
            QVERIFY(!info.requestType.isEmpty() && !info.requestType.contains(u':'));
            QVERIFY(!info.replyType.isEmpty() && !info.replyType.contains(u':'));
        }
    }

    void eventsLieInTheStream()
    {
        static const QRegularExpression subject(
            QStringLiteral("^opd\\.events\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$"));
        QCOMPARE(QByteArray(kEventStreamSubjects), QByteArray("opd.events.>"));
        QCOMPARE(QByteArray(kAnyEvent.subject), QByteArray(kEventStreamSubjects));
        QCOMPARE(QByteArray(kEventStream), QByteArray("OPD_EVENTS"));
        for (const EventInfo& info : eventCatalog()) {
            QVERIFY2(subject.match(QString::fromLatin1(info.subject)).hasMatch(),
                     info.subject.constData());
            QVERIFY(isValidEventType(info.type));
            QCOMPARE(QByteArray(kEventSubjectPrefix) + info.type.toLatin1(),
                     info.subject.constData());
            QVERIFY(!info.payloadType.isEmpty() && !info.payloadType.contains(u':'));
        }
        for (const QByteArray& endpoint : allEndpointSubjects())
            QVERIFY2(!endpoint.startsWith(kEventSubjectPrefix), endpoint.constData());
    }

    // Reads carry no staff; every other request says who does it.
    void stateChangingRequestsCarryStaff()
    {
        const QSet<QByteArray> reads{"opd.registration.patient.get",
                                     "opd.registration.patient.search",
                                     "opd.registration.visit.get",
                                     "opd.registration.visit.waiting",
                                     "opd.consultation.queue.list",
                                     "opd.consultation.patient.history",
                                     "opd.pharmacy.prescription.pending",
                                     "opd.pharmacy.prescription.get",
                                     "opd.pharmacy.stock.list",
                                     "opd.lab.order.pending",
                                     "opd.discharge.release.pending",
                                     "opd.discharge.release.get",
                                     "opd.admin.audit.query",
                                     "opd.admin.audit.verify"};
        for (const EndpointInfo& info : endpointCatalog()) {
            // Identity's requests name no actor: it is the caller the server verified (the
            // user who signs in, the session's staff member, the admin).
            if (info.service == QStringLiteral("identity")) {
                QVERIFY2(!info.requestCarriesStaff, info.subject.constData());
                continue;
            }
            QVERIFY2(info.requestCarriesStaff != reads.contains(info.subject),
                     info.subject.constData());
        }
    }

    // The catalog lists every contract endpoints.h and events.h declare.
    void catalogIsComplete()
    {
        const QString endpoints = sourceFile("shared/protocol/endpoints.h");
        const QString events = sourceFile("shared/protocol/events.h");
        QVERIFY(!endpoints.isEmpty() && !events.isEmpty());
        QCOMPARE(endpoints.count(QStringLiteral("inline constexpr bus::Endpoint<")),
                 endpointCatalog().size());
        QCOMPARE(events.count(QStringLiteral("inline constexpr bus::Event<EventEnvelope<")),
                 eventCatalog().size());
        QVERIFY(findEndpoint(kCallNext.subjectBytes()));
        QVERIFY(findEvent(kStockLow.subjectBytes()));
        QVERIFY(!findEndpoint("opd.registration.nothing"));
        QCOMPARE(serviceEndpointName(kCreatePatient.subjectBytes()),
                 QStringLiteral("patient_create"));
        QCOMPARE(serviceEndpointName("opd.admin.audit.verify"), QStringLiteral("audit_verify"));
    }

    void topLevelExamplesCarryVersion()
    {
        for (const auto& example : samples::endpointExamples()) {
            QCOMPARE(example.request.value(QStringLiteral("v")).toInt(), kProtocolVersion);
            QCOMPARE(example.reply.value(QStringLiteral("v")).toInt(), kProtocolVersion);
            const EndpointInfo* info = findEndpoint(example.subject);
            QVERIFY(info);
            QCOMPARE(example.request.contains(QStringLiteral("staff")), info->requestCarriesStaff);
        }
        for (const auto& example : samples::eventExamples())
            QCOMPARE(example.envelope.value(QStringLiteral("v")).toInt(), kProtocolVersion);
        QCOMPARE(samples::endpointExamples().size(), endpointCatalog().size());
        QCOMPARE(samples::eventExamples().size(), eventCatalog().size());
    }

    // docs/protocol.md has a section per subject; its JSON examples decode with the types
    // of the code (request then reply for endpoints, the envelope for events).
    void docsDocumentEverySubject()
    {
        const QString markdown = sourceFile("docs/protocol.md");
        QVERIFY(!markdown.isEmpty());
        QVERIFY(markdown.contains(QStringLiteral("OPD_EVENTS")));
        const auto sections = documentedExamples(markdown);
        for (const EndpointInfo& info : endpointCatalog()) {
            QVERIFY2(sections.contains(info.subject), info.subject.constData());
            const QList<QByteArray> blocks = sections.value(info.subject);
            QVERIFY2(blocks.size() >= 2, info.subject.constData());
            const bus::BusError request = info.checkRequest(blocks.at(0));
            QVERIFY2(!request.isError(),
                     qPrintable(QString::fromLatin1(info.subject) + u' ' + request.toString()));
            const bus::BusError reply = info.checkReply(blocks.at(1));
            QVERIFY2(!reply.isError(),
                     qPrintable(QString::fromLatin1(info.subject) + u' ' + reply.toString()));
            QVERIFY2(markdown.contains(info.requestType), qPrintable(info.requestType));
            QVERIFY2(markdown.contains(info.replyType), qPrintable(info.replyType));
        }
        // The examples are exactly what the code writes (tests/protocol/protocol_examples
        // prints them), so they carry the consistency test_protocol_examples checks.
        for (const auto& example : samples::endpointExamples()) {
            const QList<QByteArray> blocks = sections.value(example.subject);
            QVERIFY2(QJsonDocument::fromJson(blocks.value(0)).object() == example.request,
                     qPrintable(QString::fromLatin1(example.subject) + u" request"));
            QVERIFY2(QJsonDocument::fromJson(blocks.value(1)).object() == example.reply,
                     qPrintable(QString::fromLatin1(example.subject) + u" reply"));
        }
        for (const auto& example : samples::eventExamples())
            QVERIFY2(QJsonDocument::fromJson(sections.value(example.subject).value(0)).object() ==
                         example.envelope,
                     example.subject.constData());
        for (const EventInfo& info : eventCatalog()) {
            QVERIFY2(sections.contains(info.subject), info.subject.constData());
            const QList<QByteArray> blocks = sections.value(info.subject);
            QVERIFY2(!blocks.isEmpty(), info.subject.constData());
            const bus::BusError envelope = info.checkEnvelope(blocks.at(0));
            QVERIFY2(!envelope.isError(),
                     qPrintable(QString::fromLatin1(info.subject) + u' ' + envelope.toString()));
        }
    }
};

QTEST_GUILESS_MAIN(TestProtocolCatalog)
#include "test_protocol_catalog.moc"
