# The production image: gunicorn serves the app; the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY goalcascade ./goalcascade
COPY apps ./apps
RUN pip install .

COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 goalcascade && mkdir -p /app/media && chown goalcascade /app/media
USER goalcascade
EXPOSE 8000
# Requests are short: long work (exports, rollups) runs in Celery. A worker stuck past 60 s is restarted;
# recycling after ~2,000 requests bounds the memory any one worker can accumulate.
CMD ["gunicorn", "goalcascade.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--graceful-timeout", "30", "--max-requests", "2000", "--max-requests-jitter", "200", "--access-logfile", "-"]
