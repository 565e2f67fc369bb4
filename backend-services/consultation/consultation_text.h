#pragma once

// User-visible texts of the consultation service: Text::tr("…") translates in context
// "openopd::consultation" (lupdate extracts them under that context).

#include <QCoreApplication>

namespace openopd::consultation {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::consultation)
};

} // namespace openopd::consultation
