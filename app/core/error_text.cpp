#include "core/error_text.h"

#include <QCoreApplication>

namespace openopd::app {

namespace {
// The translation context of this file's strings (lupdate reads ErrorMessages::tr).
struct ErrorMessages
{
    Q_DECLARE_TR_FUNCTIONS(ErrorText)
};
} // namespace

QString userText(const bus::BusError& error)
{
    using Kind = bus::BusError::Kind;
    switch (error.kind) {
    case Kind::None:
        return {};
    case Kind::Timeout:
        return ErrorMessages::tr("The server did not answer in time.");
    case Kind::ConnectionClosed:
        return ErrorMessages::tr("The connection to the server was lost before it answered.");
    case Kind::NotConnected:
        return ErrorMessages::tr(
            "Not connected to the clinic server. Nothing was sent; wait until the "
            "status bar says Connected.");
    case Kind::NoResponders:
        return ErrorMessages::tr(
            "The service that handles this is not running. Nothing was done; ask IT "
            "to check the clinic's services.");
    case Kind::PermissionDenied:
        return ErrorMessages::tr("Your account may not do this.");
    case Kind::ServiceError:
        // The services' messages are written for the user (docs/protocol.md, "Errors").
        if (!error.message.isEmpty())
            return error.message;
        return ErrorMessages::tr("The service refused the request (code %1).").arg(error.code);
    case Kind::DecodeError:
        return ErrorMessages::tr(
                   "The server's answer could not be read (%1). Nothing is shown from it.")
            .arg(error.field.isEmpty() ? error.message : error.field);
    case Kind::JetStreamError:
    case Kind::PublishFailed:
    case Kind::SubscribeFailed:
    case Kind::SlowConsumer:
    case Kind::ConfigurationError:
    case Kind::ServerError:
        break;
    }
    return ErrorMessages::tr("Something went wrong talking to the server: %1").arg(error.message);
}

} // namespace openopd::app
