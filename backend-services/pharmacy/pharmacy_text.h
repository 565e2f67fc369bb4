#pragma once

// User-visible texts of the pharmacy service: Text::tr("…") translates in the context
// "openopd::pharmacy" (lupdate extracts them under it).

#include <QCoreApplication>

namespace openopd::pharmacy {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::pharmacy)
};

} // namespace openopd::pharmacy
