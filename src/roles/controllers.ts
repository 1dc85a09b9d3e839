// Which controllers the controller manager runs, and the scheduler's component: the one list
// that wires controller folders into roles.

import type { Controller, ControllerContext } from '../controllers/framework/controller.js';

export interface ControllerOptions {
  clusterCidr: string;
  caCert?: string;
}

export function builtinControllers(ctx: ControllerContext, opts: ControllerOptions): Controller[] {
  void ctx;
  void opts;
  return [];
}

export function schedulerComponents(ctx: ControllerContext): Controller[] {
  void ctx;
  return [];
}
