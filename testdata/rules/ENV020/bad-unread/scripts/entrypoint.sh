#!/bin/sh
if [ "$WAIT_FOR_DB" = 1 ]; then sleep 5; fi
exec gunicorn app.wsgi
