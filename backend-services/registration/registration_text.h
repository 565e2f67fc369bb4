#pragma once

// User-visible texts of the registration service: Text::tr("…") translates in context
// "openopd::registration" (lupdate extracts them under that context).

#include <QCoreApplication>

namespace openopd::registration {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::registration)
};

} // namespace openopd::registration
