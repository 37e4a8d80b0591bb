export class ListWorkstationsQuery {}
