// opd.pharmacy.prescription.get: one prescription in any state, with its dispenses: what a
// client reads before repeating a dispense whose answer it did not get.

#include "pharmacy/pharmacy_service.h"
#include "pharmacy/pharmacy_text.h"
#include "protocol/errors.h"

namespace openopd::pharmacy {

namespace {

protocol::PrescriptionState stateOf(const QString& stored)
{
    if (stored == QLatin1StringView(kPrescriptionComplete))
        return protocol::PrescriptionState::Complete;
    if (stored == QLatin1StringView(kPrescriptionClosed))
        return protocol::PrescriptionState::Closed;
    return protocol::PrescriptionState::Open;
}

} // namespace

void PharmacyService::getPrescription(const protocol::GetPrescriptionRequest& request,
                                      bus::Replier<protocol::PrescriptionReply> replier)
{
    PrescriptionStore store = prescriptions();
    std::optional<StoredPrescription> stored;
    protocol::PrescriptionReply reply;
    QString error;
    if (!store.load(request.consultationId, &stored, &error) ||
        (stored && !store.dispensesOf(request.consultationId,
                                      static_cast<int>(protocol::kMaxDispensesPerPrescription),
                                      &reply.dispenses, &error)))
        return replier.fail(503, unavailableText(error));
    if (!stored)
        return replier.fail(protocol::errors::kNotFound,
                            Text::tr("no prescription of consultation %1 has reached the pharmacy "
                                     "(none, or visit.consulted is not processed yet)")
                                .arg(request.consultationId),
                            QStringLiteral("consultation_id"));
    reply.prescription = stored->prescription;
    reply.state = stateOf(stored->state);
    replier.reply(reply);
}

} // namespace openopd::pharmacy
