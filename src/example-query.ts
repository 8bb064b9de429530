/** What GraphiQL opens with (and the README's first query). */
export const exampleQuery = `# Every account, its positions and cash, exact to the kopeck.
{
  accounts {
    id
    broker
    portfolio {
      positions {
        quantity
        averagePrice { amount currency }
        instrument { ticker name lotSize }
      }
      cash { amount currency }
    }
    orders { id status }
  }
}
`;
