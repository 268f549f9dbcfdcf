# One image for the API and the workers (the command picks which). Node 20, as in package.json engines.

# Build the web app (Vite is a dev dependency).
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build:web

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# A CJK font for the printable account sheet (Chinese area names); pg_dump and pg_restore for
# `npm run backup` / `restore` (bookworm's client is 15, as the compose file's server).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Dev dependencies stay out; tsx (a runtime dependency) runs the TypeScript directly.
RUN npm ci --omit=dev && npm cache clean --force
COPY config ./config
COPY src ./src
COPY workers ./workers
COPY tsconfig.json ./
COPY --from=web /app/dist/web ./dist/web
# Gate photos (GATE_PHOTO_DIR): a named volume mounted here takes this owner, so the node user can write.
RUN mkdir -p /var/lib/cordon/gate-photos && chown node:node /var/lib/cordon/gate-photos
USER node
# 3000: the API (PORT); 9464: a workers container's probes and metrics (WORKER_PROBE_PORT).
EXPOSE 3000 9464
# Not `npm start`: its prestart builds the web app, which needs the dev dependencies. node itself as
# PID 1 (not npx, which does not forward SIGTERM), so a stop lets active jobs finish.
CMD ["node", "--import", "tsx", "src/main.ts"]
