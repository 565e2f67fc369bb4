#pragma once

// Dead letters: an event a consumer gave up on is copied to OPD_DLQ on
// opd.dlq.<consumer>, with the original payload and, in headers, where it came from and why.

#include "bus/connection.h"
#include "bus/js_message.h"

#include <functional>

namespace openopd::host {

inline constexpr char kDlqReasonHeader[] = "OpenOPD-DLQ-Reason";
inline constexpr char kDlqSubjectHeader[] = "OpenOPD-DLQ-Subject";
inline constexpr char kDlqConsumerHeader[] = "OpenOPD-DLQ-Consumer";
inline constexpr char kDlqStreamSeqHeader[] = "OpenOPD-DLQ-Stream-Seq";
inline constexpr char kDlqDeliveriesHeader[] = "OpenOPD-DLQ-Deliveries";

// done(error) once the copy is stored (error.isError() false) or could not be.
void publishDeadLetter(bus::Connection& bus, const QString& consumer, const QString& eventId,
                       const QString& reason, const bus::JsMessage& message, QObject* context,
                       std::function<void(const bus::BusError&)> done);

} // namespace openopd::host
