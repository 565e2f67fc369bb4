#pragma once

#include "host/service_host.h"

namespace openopd::registration {

// --seed-demo: the demo staff and kDemoPatients demo patients, each patient with its
// patient.registered event. Idempotent: patients have fixed ids (UUID v5 of their index), and
// one that exists already is skipped, so a second run adds nothing.
inline constexpr int kDemoPatients = 300;
bool seedDemo(host::ServiceHost& host);

// --generate-patients N: makes sure at least N synthetic patients exist (adds the missing
// ones; a restart with the same N adds nothing), in transactions of kGenerateBatch rows. No
// events: synthetic patients are load-test data, not registrations. Logs the time taken.
inline constexpr int kGenerateBatch = 20000;
bool generatePatients(host::Database& db, qint64 target);

} // namespace openopd::registration
