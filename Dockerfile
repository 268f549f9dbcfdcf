# One image for the API and the workers (the command picks which). Node 20, as in package.json engines.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Dev dependencies stay out; tsx (a runtime dependency) runs the TypeScript directly.
RUN npm ci --omit=dev && npm cache clean --force
COPY config ./config
COPY src ./src
COPY workers ./workers
COPY tsconfig.json ./
USER node
EXPOSE 3000
CMD ["npx", "tsx", "src/main.ts"]
