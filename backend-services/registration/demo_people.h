#pragma once

// Realistic people for demo data and synthetic load: names from many languages (with
// accents, hyphens and apostrophes), plausible dates of birth, phones and national ids.
// Deterministic: the same index gives the same person.

#include "protocol/patient.h"

namespace openopd::registration {

// The details of person `index` (0-based). Demo people (synthetic false) get national ids
// "yymmdd-ss-nnnn" and demo-like remarks; synthetic ones get "GEN-<index>" ids. National ids
// are unique per index within each kind.
protocol::PatientDetails demoPerson(qint64 index, bool synthetic);

struct DemoStaff
{
    const char* id;
    const char* name;
    protocol::StaffRole role;
};
// The demo staff (reception, doctors, nurse, pharmacist, lab technician, admin).
QList<DemoStaff> demoStaff();
protocol::StaffRef staffRef(const DemoStaff& staff);

} // namespace openopd::registration
