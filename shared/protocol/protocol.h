#pragma once

// Everything of the OPD protocol: messages, endpoints, events, error codes, the catalog.

#include "protocol/catalog.h"
#include "protocol/endpoints.h"
#include "protocol/errors.h"
#include "protocol/events.h"
#include "protocol/limits.h"
#include "protocol/validation.h"
#include "protocol/version.h"
