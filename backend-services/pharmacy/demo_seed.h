#pragma once

// --seed-demo: a realistic outpatient formulary (40 common drugs, 1-3 batches each with
// different expiry dates, a few close to expiry, two already expired, some below their
// reorder level). Idempotent: a batch that exists already is left alone, so a second run adds
// nothing. New batches are received like deliveries (stock.received, and stock.low for drugs
// that start at or below their reorder level), by the staff "demo-seed" (role system).

#include "host/service_host.h"

#include <QList>

namespace openopd::pharmacy {

struct DemoBatch
{
    QString batch;
    int expiresInDays = 365; // from the day of seeding; negative = already expired
    int quantity = 0;
};

struct DemoDrug
{
    QString code;
    QString name;
    QString unit;
    int reorderLevel = 0;
    QList<DemoBatch> batches;
};

QList<DemoDrug> demoFormulary();

// One transaction; *newBatches counts the batches added.
bool seedDemo(host::ServiceHost& host, int* newBatches, QString* error);

} // namespace openopd::pharmacy
