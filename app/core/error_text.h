#pragma once

// What a failed request means to the person at the desk, in one translated sentence; the
// technical line (BusError::toString) is for a tooltip or the log, not the message.

#include "bus/error.h"

#include <QString>

namespace openopd::app {

QString userText(const bus::BusError& error);

} // namespace openopd::app
