// opd.pharmacy.dispense: all or part of a prescription, batches first-expiry-first-out, stock
// decremented and the dispense recorded in one transaction with its events (visit.dispensed,
// stock.low). A refusal (404, 409) writes nothing.

#include "pharmacy/list_events.h"
#include "pharmacy/pharmacy_service.h"
#include "pharmacy/pharmacy_text.h"
#include "protocol/errors.h"
#include "protocol/events.h"

#include <QHash>
#include <QMap>

namespace openopd::pharmacy {

namespace errors = protocol::errors;
using protocol::PendingPrescriptionLine;

void PharmacyService::dispense(const protocol::DispenseRequest& request,
                               bus::Replier<protocol::DispenseReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    protocol::DispenseReply reply;
    Failure failure;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            return dispenseIn(request, now, &reply.dispense, &failure, workError);
        },
        &error);
    if (!ok)
        return replyFailure(replier, failure, error);
    replier.reply(reply);
}

bool PharmacyService::dispenseIn(const protocol::DispenseRequest& r, const QDateTime& now,
                                 protocol::Dispense* dispense, Failure* failure, QString* error)
{
    PrescriptionStore store = prescriptions();
    StockStore stockStore = stock();
    const QDate today = clinicToday();

    std::optional<StoredPrescription> stored;
    if (!store.load(r.consultationId, &stored, error))
        return false;
    if (!stored) {
        failure->set(
            errors::kNotFound,
            Text::tr("There is no prescription for consultation %1.").arg(r.consultationId),
            QStringLiteral("consultation_id"));
        return false;
    }
    if (stored->state == QLatin1StringView(kPrescriptionClosed)) {
        failure->set(errors::kConflict,
                     Text::tr("The visit of this prescription has ended (discharged, admitted or "
                              "referred); nothing more is dispensed for it."),
                     QStringLiteral("consultation_id"));
        return false;
    }
    if (stored->state == QLatin1StringView(kPrescriptionComplete)) {
        failure->set(errors::kConflict,
                     Text::tr("This prescription has been dispensed in full already."),
                     QStringLiteral("consultation_id"));
        return false;
    }
    QHash<int, PendingPrescriptionLine> lines;
    for (const PendingPrescriptionLine& line : std::as_const(stored->prescription.lines))
        lines.insert(line.line, line);

    // 1. Every requested line exists and does not ask for more than remains prescribed.
    QMap<QString, int> needed;      // drug code -> units asked for in this dispense
    QMap<QString, qsizetype> first; // drug code -> first request line asking for it
    for (qsizetype i = 0; i < r.lines.size(); ++i) {
        const auto it = lines.constFind(r.lines.at(i).line);
        if (it == lines.cend()) {
            failure->set(errors::kNotFound,
                         Text::tr("The prescription has no line %1 (it has %2).")
                             .arg(r.lines.at(i).line)
                             .arg(lines.size()),
                         QStringLiteral("lines[%1].line").arg(i));
            return false;
        }
        const int remaining = it->prescription.quantity - it->dispensedQuantity;
        if (r.lines.at(i).quantity > remaining) {
            failure->set(errors::kConflict,
                         Text::tr("Line %1 (%2): %3 prescribed, %4 dispensed already, so at most "
                                  "%5 can be dispensed, not %6.")
                             .arg(it->line)
                             .arg(it->prescription.drugName)
                             .arg(it->prescription.quantity)
                             .arg(it->dispensedQuantity)
                             .arg(remaining)
                             .arg(r.lines.at(i).quantity),
                         QStringLiteral("lines[%1].quantity").arg(i));
            return false;
        }
        const QString& drug = it->prescription.drugCode;
        needed[drug] += r.lines.at(i).quantity;
        if (!first.contains(drug))
            first.insert(drug, i);
    }

    // 2. Enough unexpired stock of every drug, or a refusal naming each shortfall.
    QStringList shortages;
    qsizetype firstShort = -1;
    for (auto it = needed.cbegin(); it != needed.cend(); ++it) {
        int usable = 0;
        if (!stockStore.usableTotal(it.key(), today, &usable, error))
            return false;
        if (usable >= it.value())
            continue;
        const qsizetype index = first.value(it.key());
        const PendingPrescriptionLine& line = lines.value(r.lines.at(index).line);
        shortages.append(Text::tr("%1 (%2): %3 needed, %4 in unexpired stock, short by %5")
                             .arg(line.prescription.drugName, it.key())
                             .arg(it.value())
                             .arg(usable)
                             .arg(it.value() - usable));
        if (firstShort < 0 || index < firstShort)
            firstShort = index;
    }
    if (!shortages.isEmpty()) {
        failure->set(errors::kConflict,
                     Text::tr("Not enough stock: %1. Nothing was dispensed.")
                         .arg(shortages.join(QStringLiteral("; "))),
                     QStringLiteral("lines[%1].quantity").arg(firstShort));
        return false;
    }

    // 3. Take the stock and count it against the prescription.
    const protocol::PendingPrescription& p = stored->prescription;
    *dispense = protocol::Dispense{protocol::newId(),
                                   p.consultationId,
                                   p.visitId,
                                   p.patientId,
                                   now,
                                   r.staff,
                                   {},
                                   false,
                                   r.notes};
    for (qsizetype i = 0; i < r.lines.size(); ++i) {
        const PendingPrescriptionLine& line = lines.value(r.lines.at(i).line);
        const int quantity = r.lines.at(i).quantity;
        QList<protocol::BatchQuantity> batches;
        if (!stockStore.take(line.prescription.drugCode, quantity, today, dispense->id, r.staff,
                             now, &batches, failure, error))
            return false;
        bool applied = false;
        if (!store.addDispensed(p.consultationId, line.line, quantity, error, &applied))
            return false;
        if (!applied) {
            failure->set(errors::kConflict,
                         Text::tr("Line %1 was dispensed by someone else meanwhile; reload the "
                                  "prescription.")
                             .arg(line.line),
                         QStringLiteral("lines[%1].quantity").arg(i));
            return false;
        }
        dispense->lines.append(
            {line.line, line.prescription.drugCode, line.prescription.drugName, quantity, batches});
    }
    bool remainder = false;
    if (!store.hasRemainder(p.consultationId, &remainder, error))
        return false;
    dispense->partial = remainder;
    if (!store.recordDispense(*dispense, error))
        return false;
    if (!enqueue(m_host.database(), protocol::kVisitDispensed,
                 protocol::makeEvent(protocol::kVisitDispensed, *dispense, r.staff, now), error) ||
        !announcePrescriptions(m_host.database(), p.visitId, p.patientId,
                               protocol::ListChangeKind::Updated, r.staff, now, error))
        return false;
    for (auto it = needed.cbegin(); it != needed.cend(); ++it)
        if (!checkLow(it.key(), r.staff, now, error))
            return false;
    return true;
}

} // namespace openopd::pharmacy
