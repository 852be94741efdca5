/* helpq - message_html.c */
#include "compat.h"
