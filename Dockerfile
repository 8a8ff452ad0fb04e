# promlite in one container:
#   docker build -t promlite . && docker run -p 9090:9090 -v promlite-data:/promlite/data promlite
# Mount your own files over /promlite/config (prometheus-style promlite.yml, rules, alertmanager.yml).
FROM node:22-bookworm-slim AS build
WORKDIR /promlite
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Scripts run after the sources are in place (the prepare script builds the UI).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 esbuild
COPY . .
RUN node scripts/build.mjs

FROM node:22-bookworm-slim
WORKDIR /promlite
COPY --from=build /promlite /promlite
EXPOSE 9090
VOLUME ["/promlite/data"]
ENTRYPOINT ["bin/promlite", "serve"]
CMD ["--config.file=config/promlite.yml", "--storage.tsdb.path=data/", "--web.listen-address=0.0.0.0:9090"]
