/**
 * A private moto_server for one test file. The process logic lives in motoServer.mjs so the demo script shares it.
 */
import { startMotoServer, type MotoServer, type StartMotoOptions } from './motoServer.mjs';

export type Moto = MotoServer;

export function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  return startMotoServer(options);
}
