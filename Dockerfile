# SCM image: the issuer API, the card worker and the CLI share it.
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
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY bin ./bin
USER node
ENV NODE_ENV=production
CMD ["node", "dist/apps/issuer-api/src/main.js"]
