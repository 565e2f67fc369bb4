#pragma once

// Staff accounts made outside the endpoints: the first admin (--create-admin, run by whoever
// installs the clinic, with the service stopped or running) and the demo staff (--seed-demo).

#include "host/service_host.h"

#include <optional>

namespace openopd::identity {

// The one password every demo account gets. Demo data only: never seed a real clinic.
inline constexpr char kDemoPassword[] = "demo-password";

// The new admin's password: from the terminal without echo, asked twice, when standard input
// is a terminal; otherwise one line from standard input. Never from argv or the environment.
// nullopt with *error (the two entries differ, too short or too long, nothing to read).
std::optional<QString> readNewPassword(QString* error);

// Creates the admin account `id` (display name = id) or, when it exists, enables it, adds the
// admin role and sets the password (ending its sessions). Inside a transaction.
bool ensureAdmin(host::Database& db, const QString& id, const QByteArray& passwordHash,
                 QString* error);

// --create-admin: opens and migrates the service's database (no NATS), reads the password,
// ensures the admin. The process exit code (0, or 1 with a message on stderr).
int createAdmin(const host::ServiceOptions& options, const QString& id);

// --seed-demo: reception, dr.silva, pharma, lab and admin with kDemoPassword (accounts that
// already exist are left alone).
bool seedDemo(host::ServiceHost& host);

} // namespace openopd::identity
