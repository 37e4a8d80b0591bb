# SCM image: the issuer API, the one-shot migrate and init services and the CLI share it
# (docker-compose.yml). Card workers run on workstations instead (npm run package:worker).
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential python3 pkg-config libpcsclite-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY . .
RUN node scripts/build.js && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpcsclite1 softhsm2 opensc xorriso curl \
    && rm -rf /var/lib/apt/lists/*
# Named volumes take the owner of these directories: the SoftHSM2 token and SCM's state belong to
# the unprivileged user the services run as.
RUN mkdir -p /var/lib/softhsm/tokens /var/lib/scm /var/lib/scm-cli \
    && chown -R node:node /var/lib/softhsm/tokens /var/lib/scm /var/lib/scm-cli \
    && chmod 0700 /var/lib/softhsm/tokens /var/lib/scm /var/lib/scm-cli
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY bin ./bin
COPY scripts/deploy-init ./scripts/deploy-init
COPY deploy ./deploy
USER node
ENV NODE_ENV=production
CMD ["node", "dist/apps/issuer-api/src/main.js"]
