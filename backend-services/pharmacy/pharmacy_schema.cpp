#include "pharmacy/pharmacy_schema.h"

#include "host/host_schema.h"

namespace openopd::pharmacy {

void addMigrations(host::Migrations& migrations)
{
    // Staff columns (*_by) hold the StaffRef as JSON; times are UTC RFC 3339 text; dates
    // YYYY-MM-DD text (both sort as text).
    migrations.addPortable(
        host::kFirstServiceMigration, QStringLiteral("pharmacy stock"),
        {QStringLiteral("CREATE TABLE drugs ("
                        " code TEXT PRIMARY KEY,"
                        " name TEXT NOT NULL,"
                        " unit TEXT,"
                        " reorder_level INTEGER NOT NULL DEFAULT 0,"
                        // 1 from the stock.low event until the total is above the level again
                        " low INTEGER NOT NULL DEFAULT 0,"
                        " created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
                        " updated_at TEXT NOT NULL, updated_by TEXT NOT NULL)"),
         QStringLiteral("CREATE TABLE stock_batches ("
                        " drug_code TEXT NOT NULL REFERENCES drugs (code),"
                        " batch TEXT NOT NULL,"
                        " expiry TEXT NOT NULL,"
                        " quantity INTEGER NOT NULL CHECK (quantity >= 0 AND quantity <= 1000000),"
                        " received_at TEXT NOT NULL, received_by TEXT NOT NULL,"
                        " updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,"
                        " PRIMARY KEY (drug_code, batch))"),
         QStringLiteral("CREATE INDEX stock_batches_fefo ON stock_batches (drug_code, expiry)"),
         // The ledger: every change of a batch, with who, when and why.
         QStringLiteral("CREATE TABLE stock_movements ("
                        " id {{PK}},"
                        " drug_code TEXT NOT NULL,"
                        " batch TEXT NOT NULL,"
                        " delta INTEGER NOT NULL,"
                        " quantity_after INTEGER NOT NULL,"
                        " reorder_level INTEGER NOT NULL,"
                        " reason TEXT NOT NULL,"
                        " note TEXT,"
                        " dispense_id TEXT,"
                        " at TEXT NOT NULL,"
                        " staff_id TEXT NOT NULL,"
                        " staff TEXT NOT NULL)"),
         QStringLiteral("CREATE INDEX stock_movements_batch ON stock_movements"
                        " (drug_code, batch, id)")});
    migrations.addPortable(
        host::kFirstServiceMigration + 1, QStringLiteral("pharmacy prescriptions"),
        {QStringLiteral("CREATE TABLE prescriptions ("
                        " consultation_id TEXT PRIMARY KEY,"
                        " visit_id TEXT NOT NULL,"
                        " patient_id TEXT NOT NULL,"
                        " patient_name TEXT NOT NULL,"
                        " prescribed_at TEXT NOT NULL,"
                        " prescribed_by TEXT NOT NULL,"
                        // open (something left to dispense) | complete | closed (visit ended)
                        " state TEXT NOT NULL,"
                        " event_id TEXT NOT NULL,"
                        " received_at TEXT NOT NULL,"
                        " updated_at TEXT NOT NULL,"
                        " closed_at TEXT, closed_by TEXT)"),
         QStringLiteral("CREATE INDEX prescriptions_pending ON prescriptions"
                        " (state, prescribed_at, consultation_id)"),
         QStringLiteral("CREATE INDEX prescriptions_visit ON prescriptions (visit_id)"),
         QStringLiteral("CREATE TABLE prescription_lines ("
                        " consultation_id TEXT NOT NULL REFERENCES prescriptions"
                        " (consultation_id),"
                        " line INTEGER NOT NULL,"
                        " drug_code TEXT NOT NULL,"
                        " drug_name TEXT NOT NULL,"
                        " dose TEXT NOT NULL,"
                        " route TEXT,"
                        " frequency TEXT NOT NULL,"
                        " duration_days INTEGER NOT NULL,"
                        " quantity INTEGER NOT NULL,"
                        " instructions TEXT,"
                        " dispensed_quantity INTEGER NOT NULL DEFAULT 0"
                        " CHECK (dispensed_quantity >= 0 AND dispensed_quantity <= quantity),"
                        " PRIMARY KEY (consultation_id, line))"),
         QStringLiteral("CREATE TABLE dispenses ("
                        " id TEXT PRIMARY KEY,"
                        " consultation_id TEXT NOT NULL REFERENCES prescriptions"
                        " (consultation_id),"
                        " visit_id TEXT NOT NULL,"
                        " patient_id TEXT NOT NULL,"
                        " dispensed_at TEXT NOT NULL,"
                        " staff_id TEXT NOT NULL,"
                        " dispensed_by TEXT NOT NULL,"
                        " partial INTEGER NOT NULL,"
                        " notes TEXT,"
                        " body TEXT NOT NULL)"), // the Dispense as JSON
         QStringLiteral("CREATE INDEX dispenses_consultation ON dispenses (consultation_id)"),
         QStringLiteral("CREATE TABLE closed_visits ("
                        " visit_id TEXT PRIMARY KEY,"
                        " outcome TEXT NOT NULL,"
                        " closed_at TEXT NOT NULL,"
                        " closed_by TEXT NOT NULL,"
                        " event_id TEXT NOT NULL)")});
    migrations.addPortable(
        host::kFirstServiceMigration + 2, QStringLiteral("pharmacy lab"),
        {QStringLiteral("CREATE TABLE lab_orders ("
                        " id TEXT PRIMARY KEY,"
                        " consultation_id TEXT NOT NULL,"
                        " line INTEGER NOT NULL,"
                        " visit_id TEXT NOT NULL,"
                        " patient_id TEXT NOT NULL,"
                        " patient_name TEXT NOT NULL,"
                        " test_code TEXT NOT NULL,"
                        " test_name TEXT NOT NULL,"
                        " specimen TEXT,"
                        " urgent INTEGER NOT NULL,"
                        " notes TEXT,"
                        " ordered_at TEXT NOT NULL,"
                        " ordered_by TEXT NOT NULL,"
                        // ordered | collected | resulted | cancelled
                        " state TEXT NOT NULL,"
                        " collected_at TEXT, collected_by TEXT, sample_id TEXT,"
                        " collect_notes TEXT,"
                        " cancelled_at TEXT, cancelled_by TEXT,"
                        " event_id TEXT NOT NULL,"
                        " received_at TEXT NOT NULL,"
                        " updated_at TEXT NOT NULL,"
                        " UNIQUE (consultation_id, line))"),
         QStringLiteral("CREATE INDEX lab_orders_pending ON lab_orders"
                        " (state, urgent, ordered_at)"),
         QStringLiteral("CREATE INDEX lab_orders_visit ON lab_orders (visit_id)"),
         QStringLiteral("CREATE TABLE lab_results ("
                        " order_id TEXT PRIMARY KEY REFERENCES lab_orders (id),"
                        " value TEXT NOT NULL,"
                        " unit TEXT,"
                        " reference_range TEXT,"
                        " flag TEXT NOT NULL,"
                        " notes TEXT,"
                        " resulted_at TEXT NOT NULL,"
                        " staff_id TEXT NOT NULL,"
                        " resulted_by TEXT NOT NULL)")});
}

} // namespace openopd::pharmacy
