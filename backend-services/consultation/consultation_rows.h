#pragma once

// How the consultation store writes and reads its rows (internal to the store's files).

#include "consultation/consultation_store.h"

#include <QSqlQuery>

namespace openopd::consultation::rows {

// The columns readVisit() expects, in order.
extern const QString kVisitColumns;

// A time as stored: UTC RFC 3339 with milliseconds.
QString stamp(const QDateTime& time);
// NULL for an empty optional text (typed, so QPSQL binds it as text).
QVariant nullable(const QString& text);
// A StaffRef as stored: its JSON object as text.
QString staffText(const protocol::StaffRef& staff);
std::optional<protocol::StaffRef> staffFrom(const QString& text);
QString wire(protocol::VisitState state);
// Reads a row selected with kVisitColumns.
VisitRecord readVisit(const QSqlQuery& query);

} // namespace openopd::consultation::rows
