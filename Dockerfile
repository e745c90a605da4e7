FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 CAD_VAR_DIR=/app/var
WORKDIR /app
COPY pyproject.toml README.md manage.py ./
COPY cad cad
COPY calls calls
COPY units units
COPY premises premises
COPY records records
COPY templates templates
COPY static static
RUN pip install --no-cache-dir . \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "cad.asgi:application"]
