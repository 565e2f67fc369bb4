// The visit id of events and the work-list payloads, decoded: every visit event carries
// visit_id in its envelope (makeEvent fills it from the payload: a Visit's id, any other
// payload's visit_id), an envelope whose visit_id disagrees with its payload is refused
// naming visit_id, one without it (stored before the field existed) is still read; a
// ListChange's rows agree with its change and its visit; the two new reads check that what
// they return belongs to what was asked.

#include "json_edit.h"
#include "samples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace openopd;
using namespace openopd::protocol;
using openopd::testing::edited;

namespace {

QByteArray bytes(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject eventOf(QByteArrayView subject)
{
    for (const auto& example : samples::eventExamples())
        if (example.subject == subject)
            return example.envelope;
    qFatal("no example for %s", subject.data());
}

QJsonObject replyOf(QByteArrayView subject)
{
    for (const auto& example : samples::endpointExamples())
        if (example.subject == subject)
            return example.reply;
    qFatal("no example for %s", subject.data());
}

template <class T> bus::BusError decodeError(const QJsonObject& object)
{
    return bus::Codec<T>::decode(bytes(object)).error();
}

} // namespace

class TestProtocolVisitEvents : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void makeEventFillsTheVisitId()
    {
        const Visit visit = samples::visit();
        QCOMPARE(makeEvent(kVisitRegistered, visit, samples::receptionist()).visitId, visit.id);
        const Consultation consultation = samples::consultation();
        QCOMPARE(makeEvent(kVisitConsulted, consultation, samples::doctor()).visitId,
                 consultation.visitId);
        QCOMPARE(makeEvent(kLabResulted, samples::labResult(), samples::labTechnician()).visitId,
                 samples::labResult().visitId);
        // Not about a visit: no visit_id at all on the wire.
        const auto stock = makeEvent(kStockLow, samples::stockLow(), samples::pharmacist());
        QVERIFY(stock.visitId.isEmpty());
        QVERIFY(!stock.toJson().contains(QStringLiteral("visit_id")));
        const auto patient =
            makeEvent(kPatientRegistered, samples::patient(), samples::receptionist());
        QVERIFY(!patient.toJson().contains(QStringLiteral("visit_id")));
    }

    void everyVisitEventCarriesItInTheCatalog()
    {
        for (const auto& example : samples::eventExamples()) {
            const bool aboutAVisit = example.subject.startsWith("opd.events.visit.") ||
                                     example.subject.startsWith("opd.events.lab.") ||
                                     example.subject.startsWith("opd.events.list.");
            QVERIFY2(example.envelope.contains(QStringLiteral("visit_id")) == aboutAVisit,
                     example.subject.constData());
        }
    }

    void aVisitIdThatDisagreesIsRefused_data()
    {
        QTest::addColumn<QByteArray>("subject");
        for (const auto& example : samples::eventExamples())
            if (example.envelope.contains(QStringLiteral("visit_id")))
                QTest::newRow(example.subject.constData()) << example.subject;
    }
    void aVisitIdThatDisagreesIsRefused()
    {
        QFETCH(QByteArray, subject);
        const EventInfo* info = findEvent(subject);
        QVERIFY(info);
        const QJsonObject envelope = eventOf(subject);
        const bus::BusError other = info->checkEnvelope(
            bytes(edited(envelope, QStringLiteral("visit_id"), samples::id(99))));
        QCOMPARE(other.kind, bus::BusError::Kind::DecodeError);
        QCOMPARE(other.field, QStringLiteral("visit_id"));
        const bus::BusError malformed = info->checkEnvelope(
            bytes(edited(envelope, QStringLiteral("visit_id"), QStringLiteral("v-1"))));
        QCOMPARE(malformed.field, QStringLiteral("visit_id"));
        // Stored before the field existed: still an event.
        QVERIFY(
            !info->checkEnvelope(bytes(edited(envelope, QStringLiteral("visit_id"), std::nullopt)))
                 .isError());
        // The generic reader (audit, monitors) reads it too.
        const auto any = bus::Codec<AnyEvent>::decode(bytes(envelope));
        QVERIFY(any.ok());
        QCOMPARE(any->visitId, envelope.value(QStringLiteral("visit_id")).toString());
    }

    void listChangeRowsAgreeWithTheChange()
    {
        using Envelope = EventEnvelope<ListChange<QueueEntry>>;
        const QJsonObject valid = eventOf(kQueueListChanged.subjectBytes());
        QVERIFY(!decodeError<Envelope>(valid).isError());
        const QJsonObject removed =
            edited(edited(valid, QStringLiteral("payload.change"), QStringLiteral("removed")),
                   QStringLiteral("payload.rows"), QJsonArray{});
        QVERIFY(!decodeError<Envelope>(removed).isError());

        const bus::BusError addedWithoutRows =
            decodeError<Envelope>(edited(valid, QStringLiteral("payload.rows"), QJsonArray{}));
        QCOMPARE(addedWithoutRows.field, QStringLiteral("payload.rows"));
        const bus::BusError removedWithRows = decodeError<Envelope>(
            edited(valid, QStringLiteral("payload.change"), QStringLiteral("removed")));
        QCOMPARE(removedWithRows.field, QStringLiteral("payload.rows"));
        const bus::BusError otherVisit = decodeError<Envelope>(
            edited(valid, QStringLiteral("payload.rows[0].visit_id"), samples::id(98)));
        QCOMPARE(otherVisit.field, QStringLiteral("payload.rows[0].visit_id"));
        const bus::BusError otherPatient = decodeError<Envelope>(
            edited(valid, QStringLiteral("payload.rows[0].patient_id"), samples::id(97)));
        QCOMPARE(otherPatient.field, QStringLiteral("payload.rows[0].patient_id"));
        const bus::BusError badChange = decodeError<Envelope>(
            edited(valid, QStringLiteral("payload.change"), QStringLiteral("moved")));
        QCOMPARE(badChange.field, QStringLiteral("payload.change"));
        QVERIFY(badChange.message.contains(QStringLiteral("added, updated, removed")));
    }

    void theNewReadsReturnWhatWasAsked()
    {
        const QJsonObject prescription = replyOf(kGetPrescription.subjectBytes());
        QVERIFY(!decodeError<PrescriptionReply>(prescription).isError());
        QCOMPARE(decodeError<PrescriptionReply>(
                     edited(prescription, QStringLiteral("dispenses[0].consultation_id"),
                            samples::id(96)))
                     .field,
                 QStringLiteral("dispenses[0].consultation_id"));
        QCOMPARE(decodeError<PrescriptionReply>(
                     edited(prescription, QStringLiteral("state"), QStringLiteral("pending")))
                     .field,
                 QStringLiteral("state"));

        const QJsonObject release = replyOf(kGetRelease.subjectBytes());
        QVERIFY(!decodeError<ReleaseStatusReply>(release).isError());
        QCOMPARE(decodeError<ReleaseStatusReply>(
                     edited(release, QStringLiteral("discharge.visit_id"), samples::id(95)))
                     .field,
                 QStringLiteral("discharge.visit_id"));
        QCOMPARE(decodeError<ReleaseStatusReply>(
                     edited(release, QStringLiteral("release"), samples::pendingRelease().toJson()))
                     .field,
                 QString()); // visit 1's row: allowed
        QCOMPARE(decodeError<ReleaseStatusReply>(
                     edited(release, QStringLiteral("visit_id"), samples::id(94)))
                     .field,
                 QStringLiteral("discharge.visit_id"));
    }
};

QTEST_GUILESS_MAIN(TestProtocolVisitEvents)
#include "test_protocol_visit_events.moc"
