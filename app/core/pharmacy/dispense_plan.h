#pragma once

// What the dispense dialog suggests and checks, without widgets or a bus (issue 11):
// - per prescription line: what remains to give, the unexpired stock of its drug, and the
//   batches the service will take first-expiry-first-out (the first one is "the suggested
//   batch");
// - for the quantities the pharmacist chose: a line short of stock ("insufficient stock",
//   lines of one drug share its stock), a quantity above what remains, nothing to give, and
//   a partial dispense without a reason (notes).

#include "protocol/pharmacy.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <optional>

namespace openopd::app {

struct DispenseLinePlan
{
    int line = 1;
    QString drugCode;
    QString drugName;
    int prescribed = 0;
    int dispensed = 0;  // by earlier (partial) dispenses
    int remaining = 0;  // prescribed - dispensed, never below 0
    int available = -1; // unexpired stock of the drug; -1 while unknown
    // First-expiry-first-out batches covering `remaining` (or what there is).
    QList<protocol::BatchQuantity> batches;

    std::optional<protocol::BatchQuantity> suggested() const
    {
        return batches.isEmpty() ? std::nullopt
                                 : std::optional<protocol::BatchQuantity>(batches.constFirst());
    }
};

struct DispenseCheck
{
    QHash<int, QString> lineErrors; // index in the plan -> message (translated)
    QString notesError;
    QString summary; // one sentence when something is wrong (translated)
    bool partial = false;
    bool ok() const { return lineErrors.isEmpty() && notesError.isEmpty() && summary.isEmpty(); }
};

class DispensePlan
{
public:
    // stock: the batches of the prescription's drugs (others are ignored); empty and
    // stockKnown false while the stock is not read yet.
    static QList<DispenseLinePlan> make(const protocol::PendingPrescription& prescription,
                                        const QList<protocol::StockItem>& stock, bool stockKnown,
                                        QDate today);
    // quantities[i] is what the pharmacist gives of plan[i] now (0: nothing of it).
    static DispenseCheck check(const QList<DispenseLinePlan>& plan, const QList<int>& quantities,
                               const QString& notes);
    // "Insufficient stock: 12 in unexpired stock" (the words the line shows).
    static QString insufficientText(int available);
};

} // namespace openopd::app
