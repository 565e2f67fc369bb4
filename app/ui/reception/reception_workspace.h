#pragma once

// The reception desk (issue 10): find or register a patient, open a visit and hand out its
// token, and keep the day's waiting list. Composes the panels of app/ui/reception.

#include "core/session.h"

#include <QWidget>

namespace openopd::app {

class ReceptionWorkspace final : public QWidget
{
    Q_OBJECT
public:
    ReceptionWorkspace(Session& session, QWidget* parent = nullptr);

private:
    Session& m_session;
};

} // namespace openopd::app
